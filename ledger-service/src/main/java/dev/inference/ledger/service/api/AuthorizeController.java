package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.GATEWAY;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.authorize.SpendGuard;
import dev.inference.ledger.service.account.authorize.SpendGuardReadiness;
import dev.inference.ledger.service.security.Allowed;

/** The gateway's question before a request runs: may it spend? Answered from memory. */
@RestController
public class AuthorizeController {

    private final SpendGuard guard;
    private final SpendGuardReadiness readiness;

    public AuthorizeController(SpendGuard guard, SpendGuardReadiness readiness) {
        this.guard = guard;
        this.readiness = readiness;
    }

    @Operation(summary = "May this request spend? (a read)")
    @GetMapping("/api/v1/authorize")
    @Allowed({GATEWAY, ADMIN})
    public SpendGuard.Decision authorize(@RequestParam String accountId, @RequestParam(required = false) String apiKeyId,
                                         @RequestParam(required = false) String projectId,
                                         @RequestParam(required = false) String memberId) {
        if (!readiness.ready()) {
            throw new ApiException(503, "authorize-view-starting", "Not ready",
                    "this instance is still reading the event stream; retry shortly or ask another instance");
        }
        return guard.authorize(accountId, apiKeyId, projectId, memberId);
    }
}
