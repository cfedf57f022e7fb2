package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.analytics.UsageAnalytics;
import dev.inference.ledger.service.analytics.UsageAnalytics.Bucket;
import dev.inference.ledger.service.analytics.UsageAnalytics.Dimension;
import dev.inference.ledger.service.security.Allowed;

/** Where an account's money went: usage grouped by model, key, project, … and time; an agent run's calls. */
@RestController
@RequestMapping("/api/v1/accounts/{id}/usage")
public class UsageController {

    private final UsageAnalytics analytics;
    private final AccountRegistry registry;
    private final Clock clock;

    public UsageController(UsageAnalytics analytics, AccountRegistry registry, Clock clock) {
        this.analytics = analytics;
        this.registry = registry;
        this.clock = clock;
    }

    /**
     * {@code from}/{@code to}: whole hours in UTC (default: this month so far); {@code groupBy}: a comma list of
     * breakdowns and at most one time bucket ({@code hour}, {@code day}, {@code month}).
     */
    @Operation(summary = "The account's usage, summed by period and dimension")
    @GetMapping
    @Allowed({STAFF, AUDITOR, ADMIN, CUSTOMER})
    public UsageAnalytics.Answer usage(@PathVariable String id, @RequestParam(required = false) String from,
                                       @RequestParam(required = false) String to, @RequestParam(required = false) String groupBy) {
        Instant now = clock.instant();
        Instant start = from == null ? now.atZone(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant()
                : wholeHour("from", from);
        Instant end = to == null ? now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)) : wholeHour("to", to);
        if (!start.isBefore(end) || Duration.between(start, end).compareTo(UsageAnalytics.MAX_PERIOD) > 0) {
            throw ApiException.badRequest("invalid-period", "from must be before to, at most " + UsageAnalytics.MAX_PERIOD.toDays()
                    + " days apart");
        }
        List<Dimension> by = new ArrayList<>();
        Bucket bucket = null;
        for (String part : groupBy == null || groupBy.isBlank() ? new String[0] : groupBy.split(",", -1)) {
            String name = part.strip();
            var dimension = Dimension.fromWire(name);
            var time = Bucket.fromWire(name);
            if (dimension.isPresent() && !by.contains(dimension.get())) {
                by.add(dimension.get());
            } else if (time.isPresent() && bucket == null) {
                bucket = time.get();
            } else {
                throw ApiException.badRequest("invalid-group-by", "groupBy is a comma list of " + Dimension.wireNames()
                        + " and at most one of hour, day, month, each once; not '" + Identifier.echo(name) + "'");
            }
        }
        ApiException.requireAccount(registry, id);
        return analytics.ask(new UsageAnalytics.Question(id, start, end, by, bucket));
    }

    /** One agent run: every call that named the trace, in the order they occurred, with the run's totals. */
    @Operation(summary = "A trace's usage records and cost")
    @GetMapping("/traces/{traceId}")
    @Allowed({STAFF, AUDITOR, ADMIN, CUSTOMER})
    public UsageAnalytics.Trace trace(@PathVariable String id, @PathVariable String traceId) {
        ApiException.requireAccount(registry, id);
        return analytics.trace(id, traceId).orElseThrow(() -> ApiException.notFound("account '" + id + "' has no usage of trace '"
                + Identifier.echo(traceId) + "'"));
    }


    private static Instant wholeHour(String name, String value) {
        Instant instant = WireInput.instant(name, value, "invalid-period");
        if (!instant.truncatedTo(ChronoUnit.HOURS).equals(instant)) {
            throw ApiException.badRequest("invalid-period", name + " must be a whole hour (usage is kept by the hour): "
                    + instant.truncatedTo(ChronoUnit.HOURS) + ", not " + instant);
        }
        return instant;
    }
}
