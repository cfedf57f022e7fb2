package dev.inference.ledger.service.security;

import java.io.IOException;
import java.util.Optional;

import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.inference.ledger.service.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Every {@code /api/} request needs a valid bearer token: none or an unknown one is a 401. */
@Component
public class BearerTokenFilter extends OncePerRequestFilter {

    private static final String BEARER = "Bearer ";
    private final ApiTokens tokens;

    public BearerTokenFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        if (header == null || !header.startsWith(BEARER)) {
            Problems.write(response, 401, "unauthenticated", "Authentication required",
                    "send 'Authorization: Bearer <token>'");
            return;
        }
        Optional<Caller> caller = tokens.authenticate(header.substring(BEARER.length()).strip());
        if (caller.isEmpty()) {
            Problems.write(response, 401, "invalid-token", "Invalid token", "the bearer token is not known");
            return;
        }
        request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller.get());
        chain.doFilter(request, response);
    }
}
