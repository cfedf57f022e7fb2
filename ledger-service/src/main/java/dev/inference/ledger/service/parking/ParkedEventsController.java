package dev.inference.ledger.service.parking;

import io.swagger.v3.oas.annotations.Operation;
import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.api.ApiException;
import dev.inference.ledger.service.parking.ParkedEvents.Parked;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.Role;

@RestController
public class ParkedEventsController {

    private static final int LISTED = 1000;

    private final ParkedEvents parked;
    private final ParkedEventRetry retry;

    public ParkedEventsController(ParkedEvents parked, ParkedEventRetry retry) {
        this.parked = parked;
        this.retry = retry;
    }

    public record Listing(long count, List<String> accounts, List<Parked> events) {
    }

    @Operation(summary = "Events a processor parked", operationId = "listParkedEvents")
    @GetMapping("/api/v1/admin/parked-events")
    @Allowed(value = Role.ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Listing list() {
        return new Listing(parked.count(), parked.accounts(LISTED), parked.all(LISTED));
    }

    /** Applies the account's parked events again, in order; on a failure they all stay parked (409). */
    @Operation(summary = "Retry an account's parked events")
    @PostMapping("/api/v1/admin/parked-events/{accountId}/retry")
    @Allowed(value = Role.ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    public ParkedEventRetry.Outcome retry(@PathVariable String accountId) {
        ParkedEventRetry.Outcome outcome = retry.retry(accountId)
                .orElseThrow(() -> ApiException.notFound("nothing of " + accountId + " is parked"));
        if (!outcome.projected()) {
            throw new ApiException(409, "parked-events-still-failing", "Still failing", outcome.cause());
        }
        return outcome;
    }
}
