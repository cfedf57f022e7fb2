package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.PORTAL_LINK;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.ApiTokens;
import dev.inference.ledger.service.security.Caller;
import io.swagger.v3.oas.annotations.Operation;

/**
 * The customer portal's sessions. Staff make a one-time link for an account (a portal-link token in the link's fragment,
 * never sent to a server by the browser); the portal exchanges it, once, for a customer session bound to that account.
 * Both are tokens: the one access rule, expiry and revocation apply to them as to any.
 */
@RestController
public class PortalController {

    private final ApiTokens tokens;
    private final AccountRegistry registry;
    private final Clock clock;
    private final Duration link;
    private final Duration session;

    public PortalController(ApiTokens tokens, AccountRegistry registry, Clock clock, @Value("${ledger.portal.link}") Duration link,
                            @Value("${ledger.portal.session}") Duration session) {
        this.tokens = tokens;
        this.registry = registry;
        this.clock = clock;
        this.link = link;
        this.session = session;
    }

    record PortalLink(String accountId, String link, String linkTokenId, Instant linkExpiresAt, long sessionMinutes) {
    }

    record PortalSession(String accountId, String token, String tokenId, Instant expiresAt) {
    }

    @Operation(summary = "A one-time link to the account's portal, for its customer")
    @PostMapping("/api/v1/accounts/{id}/portal-sessions")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<PortalLink> link(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        ApiTokens.Minted minted = tokens.link(id, clock.instant().plus(link));
        return ResponseEntity.status(201).body(new PortalLink(id, "/portal/#link=" + minted.token(), minted.view().tokenId(),
                minted.view().expiresAt(), session.toMinutes()));
    }

    /** Signing out of the portal ends the session: its token is revoked, not merely forgotten by the tab. */
    @Operation(summary = "End the calling customer session")
    @DeleteMapping("/api/v1/portal/sessions")
    @Allowed({CUSTOMER})
    public ResponseEntity<Void> signOut(@AuthenticationPrincipal Caller caller) {
        tokens.revoke(caller.tokenId());
        return ResponseEntity.noContent().build();
    }

    /** The link's one use: the portal sends it as its bearer token and gets a customer session in its stead. */
    @Operation(summary = "Exchange a portal link, once, for a customer session")
    @PostMapping("/api/v1/portal/sessions")
    @Allowed({PORTAL_LINK})
    public ResponseEntity<PortalSession> session(@AuthenticationPrincipal Caller caller) {
        ApiTokens.Minted minted = tokens.exchange(caller, clock.instant().plus(session))
                .orElseThrow(() -> new ApiException(401, "link-used", "Unauthorized", "this portal link was used already: ask for a new one"));
        return ResponseEntity.status(201).body(new PortalSession(caller.accountId(), minted.token(), minted.view().tokenId(),
                minted.view().expiresAt()));
    }
}
