package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.usage.RecentDeadLetters;

/** The usage records refused lately, with their reasons, as the dead-letter topic holds them; and their re-drive. */
@RestController
public class DeadLettersController {

    static final int MAX_HOURS = 168;
    static final int MAX_LETTERS = 500;

    private final RecentDeadLetters deadLetters;
    private final Clock clock;

    public DeadLettersController(RecentDeadLetters deadLetters, Clock clock) {
        this.deadLetters = deadLetters;
        this.clock = clock;
    }

    record DeadLetters(int hours, List<RecentDeadLetters.Letter> deadLetters) {
    }

    /** The newest {@code limit} dead letters of the last {@code hours}, newest first. */
    @Operation(summary = "Recent dead-lettered usage records")
    @GetMapping("/api/v1/dead-letters")
    @Allowed(value = {ADMIN, STAFF, AUDITOR}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public DeadLetters recent(@RequestParam(defaultValue = "24") int hours, @RequestParam(defaultValue = "100") int limit) {
        if (hours < 1 || hours > MAX_HOURS || limit < 1 || limit > MAX_LETTERS) {
            throw ApiException.badRequest("invalid-parameter", "hours is 1-" + MAX_HOURS + ", limit 1-" + MAX_LETTERS);
        }
        return new DeadLetters(hours, deadLetters.since(clock.instant().minus(Duration.ofHours(hours)), limit));
    }

    static final int MAX_REDRIVEN = 100_000;

    /** {@code reason}: only the dead letters of this reason (all when absent). */
    record RedriveRequest(Integer hours, String reason) {
    }

    record Redriven(int hours, String reason, int redriven, Map<String, Integer> byReason) {
    }

    /**
     * Publishes the window's dead letters again on the usage topic once their cause is fixed; each record is
     * charged at most once however often it is re-driven (an exact repeat is skipped by the ingest).
     */
    @Operation(summary = "Publish dead-lettered usage records again")
    @PostMapping("/api/v1/admin/dead-letters/redrive")
    @Allowed(value = ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Redriven redrive(@RequestBody RedriveRequest request) {
        int hours = request.hours() == null ? 24 : request.hours();
        if (hours < 1 || hours > MAX_HOURS) {
            throw ApiException.badRequest("invalid-parameter", "hours is 1-" + MAX_HOURS);
        }
        Map<String, Integer> byReason = deadLetters.redrive(clock.instant().minus(Duration.ofHours(hours)), request.reason(), MAX_REDRIVEN);
        return new Redriven(hours, request.reason(), byReason.values().stream().mapToInt(Integer::intValue).sum(), byReason);
    }
}
