package dev.inference.ledger.service.security;

import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

import jakarta.servlet.http.HttpServletRequest;

/** Reads {@code Authorization: Bearer <token>}; no header is no authentication, any other scheme an error. */
final class BearerTokens {

    private static final String BEARER = "bearer ";

    private BearerTokens() {
    }

    static Authentication presented(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header == null) {
            return null;
        }
        if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length()) || header.length() == BEARER.length()) {
            throw new BadCredentialsException("send 'Authorization: Bearer <token>'");
        }
        return TokenAuthentication.presented(header.substring(BEARER.length()).strip());
    }
}
