package dev.inference.ledger.service.security;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** Resolves a presented bearer token against the hashed token store. */
@Component
public class TokenAuthenticationProvider implements AuthenticationProvider {

    private final ApiTokens tokens;

    public TokenAuthenticationProvider(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        String secret = ((TokenAuthentication) authentication).getCredentials();
        return tokens.authenticate(secret).map(TokenAuthentication::resolved)
                .orElseThrow(() -> new BadCredentialsException("the bearer token is not known, has expired or was revoked"));
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return TokenAuthentication.class.isAssignableFrom(authentication);
    }
}
