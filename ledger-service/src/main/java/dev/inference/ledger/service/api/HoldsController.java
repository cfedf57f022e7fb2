package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.GATEWAY;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import org.axonframework.common.transaction.TransactionManager;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.kernel.hold.HoldEvent.HoldPlaced;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.usage.UsageBounds;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.service.hold.HoldDesk;
import dev.inference.ledger.service.hold.HoldEstimates;
import dev.inference.ledger.service.hold.HoldQueue;
import dev.inference.ledger.service.hold.HoldRules;
import dev.inference.ledger.service.hold.HoldRules.Granted;
import dev.inference.ledger.service.hold.HoldRules.Placement;
import dev.inference.ledger.service.hold.HoldRules.Refused;
import dev.inference.ledger.service.hold.HoldStore;
import dev.inference.ledger.service.hold.HoldStore.StoredHold;
import dev.inference.ledger.service.security.Allowed;

/**
 * Holds (docs/reference/contract.md): a gateway reserves a request's cost before it runs, and the usage record that
 * names the hold settles it; a release or the hold's expiry gives the money back.
 */
@RestController
public class HoldsController {

    /** A hold's price: an amount, or what the catalog says the request costs at most. */
    record HoldRequest(String accountId, String apiKeyId, String projectId, String memberId, String traceId, String amount, String currency,
                       String model, String provider, Long inputTokens, Long maxOutputTokens, String meter, String seconds, Long ttlSeconds) {
    }

    record HoldView(String holdId, String accountId, String apiKeyId, String projectId, String memberId, String amount, String charged,
                    String currency, String state, Instant placedAt, Instant expiresAt, Instant endedAt) {
        HoldView(StoredHold h) {
            this(h.holdId(), h.accountId(), h.attribution().apiKeyId(), h.attribution().projectId(), h.attribution().memberId(),
                    h.amount().toPlainString(), h.charged().toPlainString(), h.amount().currency(), h.state(), h.placedAt(), h.expiresAt(),
                    h.endedAt());
        }
    }

    /** {@code available}: what the account may still reserve after this hold; null when nothing limits it. */
    record Placed(String holdId, String accountId, String amount, String currency, Instant expiresAt, String held, String available) {
        Placed(HoldPlaced p) {
            this(p.holdId(), p.accountId(), p.amount().toPlainString(), p.amount().currency(), p.expiresAt(),
                    p.standing().held().toPlainString(), p.standing().available() == null ? null : p.standing().available().toPlainString());
        }
    }

    record Holds(String accountId, List<HoldView> holds) {
    }

    static final int MAX_LISTED = 500;

    private final HoldDesk desk;
    private final HoldQueue queue;
    private final HoldStore store;
    private final HoldEstimates estimates;
    private final IdempotentRequests idempotent;
    private final TransactionManager transactions;
    private final Clock clock;

    public HoldsController(HoldDesk desk, HoldQueue queue, HoldStore store, HoldEstimates estimates, IdempotentRequests idempotent,
                           TransactionManager transactions, Clock clock) {
        this.desk = desk;
        this.queue = queue;
        this.store = store;
        this.estimates = estimates;
        this.idempotent = idempotent;
        this.transactions = transactions;
        this.clock = clock;
    }

    /** 201 with the hold, or 402 naming why not; the same {@code Idempotency-Key} and body get the first answer again. */
    @Operation(summary = "Place a hold before a request runs")
    @PostMapping("/api/v1/holds")
    @Allowed({GATEWAY, ADMIN})
    public ResponseEntity<String> place(@RequestHeader(name = "Idempotency-Key", required = false) String key,
                                        @RequestBody HoldRequest request) {
        HoldRules.Request ask = ask(request);
        if (key == null) {
            Optional<Placement> placement;
            try {
                placement = queue.place(new HoldDesk.Ask(request.accountId(), ask));
            } catch (TimeoutException e) {
                throw new ApiException(503, "hold-not-decided", "Not decided",
                        "the hold was not decided (" + e.getMessage() + "); it may have been granted: hold with an Idempotency-Key to ask"
                                + " again safely");
            }
            return IdempotentRequests.respond(answer(request.accountId(), placement), idempotent);
        }
        // With a key, the claim of the key and the hold share one transaction: the hold is decided alone.
        return idempotent.once("hold:" + request.accountId(), key, request, () -> answer(request.accountId(), desk.place(request.accountId(), ask)));
    }

    private IdempotentRequests.Answer answer(String accountId, Optional<Placement> decided) {
        Placement placement = decided.orElseThrow(() -> ApiException.notFound("no account '" + accountId + "'"));
        if (placement instanceof Granted granted) {
            return new IdempotentRequests.Answer(201, new Placed(granted.placed()));
        }
        Refused refused = (Refused) placement;
        if (refused.reason().equals("currency-mismatch")) {
            throw new ApiException(422, refused.reason(), "Refused", refused.detail());
        }
        return new IdempotentRequests.Answer(402, problem(refused));
    }

    /** The refusal as a problem document ({@code reason} repeats the type's code), kept for replays like any answer. */
    private static Map<String, Object> problem(Refused refused) {
        Map<String, Object> problem = new LinkedHashMap<>();
        String code = refused.reason().startsWith("budget-hard-cap:") ? "budget-hard-cap" : refused.reason();
        problem.put("type", Problems.type(code).toString());
        problem.put("title", "Payment required");
        problem.put("status", 402);
        problem.put("detail", refused.detail());
        problem.put("reason", refused.reason());
        return problem;
    }

    private HoldRules.Request ask(HoldRequest request) {
        if (request.accountId() == null) {
            throw ApiException.badRequest("invalid-hold", "accountId is required");
        }
        Duration ttl = ttl(request.ttlSeconds());
        Attribution attribution = new Attribution(request.apiKeyId(), request.projectId(), request.memberId(), request.traceId());
        String holdId = "h-" + UUID.randomUUID();
        boolean priced = request.model() != null || request.meter() != null;
        if (request.amount() != null) {
            if (priced) {
                throw ApiException.badRequest("invalid-hold", "a hold has an amount or a request to price (model or meter), not both");
            }
            Money amount = MoneyInput.parse("amount", request.amount(), request.currency() == null ? "USD" : request.currency());
            if (!amount.isPositive()) {
                throw ApiException.badRequest("invalid-amount", "amount must be more than zero");
            }
            return new HoldRules.Request(holdId, attribution, amount.amount(), request.currency(), ttl);
        }
        HoldEstimates.Estimate estimate = estimate(request).orElseThrow(() -> ApiException.notFound("no price catalog is in force"));
        if (estimate.unpriced() != null) {
            throw new ApiException(422, estimate.unpriced().reason(), "Cannot be priced", estimate.unpriced().detail());
        }
        if (estimate.amount().signum() <= 0) {
            throw ApiException.badRequest("invalid-hold", "the request prices at zero: nothing to hold");
        }
        return new HoldRules.Request(holdId, attribution, estimate.amount(), estimate.currency(), ttl);
    }

    private Optional<HoldEstimates.Estimate> estimate(HoldRequest request) {
        Instant now = clock.instant();
        if (request.model() != null && request.meter() == null) {
            long input = bounded("inputTokens", request.inputTokens(), UsageBounds.MAX_PROMPT_TOKENS);
            long output = bounded("maxOutputTokens", request.maxOutputTokens(), UsageBounds.MAX_OUTPUT_TOKENS);
            return estimates.tokens(request.accountId(), request.model(), request.provider(), input, output, now);
        }
        if (request.meter() != null && request.model() == null && request.seconds() != null) {
            BigDecimal seconds = WireInput.decimal("seconds", request.seconds(), "invalid-hold", "600");
            if (seconds.signum() <= 0 || seconds.compareTo(UsageBounds.MAX_SECONDS) > 0) {
                throw ApiException.badRequest("invalid-hold", "seconds must be more than 0 and at most " + UsageBounds.MAX_SECONDS);
            }
            return estimates.compute(request.accountId(), request.meter(), request.provider(), seconds, now);
        }
        throw ApiException.badRequest("invalid-hold", "a hold needs an amount, or model with inputTokens and maxOutputTokens, or meter with seconds");
    }

    private static long bounded(String field, Long value, long max) {
        if (value == null || value < 0 || value > max) {
            throw ApiException.badRequest("invalid-hold", field + " is required, from 0 to " + max);
        }
        return value;
    }

    private static Duration ttl(Long seconds) {
        if (seconds == null) {
            return HoldRules.DEFAULT_TTL;
        }
        if (seconds < 1 || seconds > HoldRules.MAX_TTL.toSeconds()) {
            throw ApiException.badRequest("invalid-hold", "ttlSeconds must be from 1 to " + HoldRules.MAX_TTL.toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }

    /** Gives an open hold back (the request failed); a hold already ended is answered as it ended. */
    @Operation(summary = "Release a hold")
    @DeleteMapping("/api/v1/holds/{holdId}")
    @Allowed({GATEWAY, ADMIN})
    public HoldView release(@PathVariable String holdId) {
        return OwnUnitOfWork.call(transactions, () -> desk.release(holdId)).map(HoldView::new)
                .orElseThrow(() -> ApiException.notFound("no hold '" + holdId + "'"));
    }

    @Operation(summary = "A hold")
    @GetMapping("/api/v1/holds/{holdId}")
    @Allowed({GATEWAY, ADMIN, STAFF, AUDITOR})
    public HoldView hold(@PathVariable String holdId) {
        return store.find(holdId).map(HoldView::new).orElseThrow(() -> ApiException.notFound("no hold '" + holdId + "'"));
    }

    /** The account's holds: open ones, or with {@code all=true} also the last ended ones, at most {@value #MAX_LISTED}. */
    @Operation(summary = "The account's holds")
    @GetMapping("/api/v1/accounts/{id}/holds")
    @Allowed({GATEWAY, ADMIN, STAFF, AUDITOR, CUSTOMER})
    public Holds holds(@PathVariable String id, @RequestParam(required = false, defaultValue = "false") boolean all) {
        return new Holds(id, store.ofAccount(id, !all, MAX_LISTED).stream().map(HoldView::new).toList());
    }
}
