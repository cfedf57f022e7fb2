package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.security.ApiTokens;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.Role;

@RestController
public class TokensController {

    private final ApiTokens tokens;
    private final AccountRegistry registry;

    public TokensController(ApiTokens tokens, AccountRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    record MintRequest(String role, String accountId) {
    }

    /** The token appears in this response only; the ledger keeps its hash. */
    record Minted(String token, String role, String accountId) {
    }

    @PostMapping("/api/v1/tokens")
    @Allowed(ADMIN)
    @ResponseStatus(HttpStatus.CREATED)
    public Minted mint(@RequestBody MintRequest request) {
        Role role = Role.fromWire(request.role())
                .orElseThrow(() -> ApiException.badRequest("invalid-role", "role must be gateway, staff, auditor or admin"));
        if (request.accountId() != null && !registry.exists(request.accountId())) {
            throw ApiException.notFound("no account '" + request.accountId() + "' to bind the token to");
        }
        return new Minted(tokens.mint(role, request.accountId()), role.wire(), request.accountId());
    }
}
