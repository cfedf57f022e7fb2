package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;

import java.time.Instant;
import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.ApiTokens;
import dev.inference.ledger.service.security.ApiTokens.TokenView;
import dev.inference.ledger.service.security.Caller;
import dev.inference.ledger.service.security.Role;

/** Tokens are minted, listed and revoked by an unbound admin; the secret is shown once, at minting. */
@RestController
public class TokensController {

    private final ApiTokens tokens;
    private final AccountRegistry registry;

    public TokensController(ApiTokens tokens, AccountRegistry registry) {
        this.tokens = tokens;
        this.registry = registry;
    }

    record MintRequest(String role, String accountId, String expiresAt) {
    }

    /** The token appears in this response only; the ledger keeps its hash. */
    record Minted(String token, String tokenId, String role, String accountId, Instant expiresAt) {
    }

    @Operation(summary = "Mint an API token")
    @PostMapping("/api/v1/tokens")
    @Allowed(value = ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    @ResponseStatus(HttpStatus.CREATED)
    public Minted mint(@AuthenticationPrincipal Caller caller, @RequestBody MintRequest request) {
        Role role = Role.fromWire(request.role())
                .orElseThrow(() -> ApiException.badRequest("invalid-role", "role must be gateway, staff, auditor, admin or metrics"));
        if (request.accountId() != null && !registry.exists(request.accountId())) {
            throw ApiException.notFound("no account '" + request.accountId() + "' to bind the token to");
        }
        ApiTokens.Minted minted = tokens.mint(caller, role, request.accountId(), expiresAt(request.expiresAt()));
        TokenView view = minted.view();
        return new Minted(minted.token(), view.tokenId(), view.role(), view.accountId(), view.expiresAt());
    }

    record Me(String tokenId, String role, String accountId) {
    }

    /** Who this token is: what the console shows and offers (it still asks the API, which decides). */
    @Operation(summary = "The calling token: its role and account")
    @GetMapping("/api/v1/me")
    @Allowed({Role.ADMIN, Role.STAFF, Role.AUDITOR, Role.GATEWAY, Role.METRICS, Role.CUSTOMER})
    public Me me(@AuthenticationPrincipal Caller caller) {
        return new Me(caller.tokenId(), caller.role().wire(), caller.accountId());
    }

    @Operation(summary = "API tokens", operationId = "listTokens")
    @GetMapping("/api/v1/tokens")
    @Allowed(value = ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    public List<TokenView> list() {
        return tokens.list();
    }

    @Operation(summary = "Revoke an API token")
    @DeleteMapping("/api/v1/tokens/{tokenId}")
    @Allowed(value = ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void revoke(@PathVariable String tokenId) {
        if (!tokens.revoke(tokenId)) {
            throw ApiException.notFound("no token '" + tokenId + "'");
        }
    }

    private static Instant expiresAt(String value) {
        return value == null ? null : WireInput.instant("expiresAt", value, "invalid-expiry");
    }
}
