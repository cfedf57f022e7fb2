package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.GATEWAY;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.authorize.SpendGuard;
import dev.inference.ledger.service.security.Allowed;

/** The gateway's question before a request runs: may it spend? Answered from memory. */
@RestController
public class AuthorizeController {

    private final SpendGuard guard;

    public AuthorizeController(SpendGuard guard) {
        this.guard = guard;
    }

    @GetMapping("/api/v1/authorize")
    @Allowed({GATEWAY, ADMIN})
    public SpendGuard.Decision authorize(@RequestParam String accountId, @RequestParam(required = false) String apiKeyId,
                                         @RequestParam(required = false) String projectId,
                                         @RequestParam(required = false) String memberId) {
        return guard.authorize(accountId, apiKeyId, projectId, memberId);
    }
}
