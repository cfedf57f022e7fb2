package dev.inference.ledger.service.security;

import java.util.List;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/** A bearer token: first as presented (the secret only), then as resolved (the {@link Caller}). */
public final class TokenAuthentication extends AbstractAuthenticationToken {

    private final String secret;
    private final Caller caller;

    private TokenAuthentication(String secret, Caller caller) {
        super(caller == null ? List.of() : caller.isOperator()
                ? List.of(new SimpleGrantedAuthority(caller.role().authority()), new SimpleGrantedAuthority(Caller.OPERATOR_AUTHORITY))
                : List.of(new SimpleGrantedAuthority(caller.role().authority())));
        this.secret = secret;
        this.caller = caller;
        setAuthenticated(caller != null);
    }

    public static TokenAuthentication presented(String secret) {
        return new TokenAuthentication(secret, null);
    }

    public static TokenAuthentication resolved(Caller caller) {
        return new TokenAuthentication(null, caller);
    }

    @Override
    public String getCredentials() {
        return secret;
    }

    @Override
    public Caller getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller == null ? "unresolved" : caller.tokenId();
    }
}
