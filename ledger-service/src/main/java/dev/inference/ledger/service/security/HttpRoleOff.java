package dev.inference.ledger.service.security;

import java.io.IOException;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.inference.ledger.service.api.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code ledger.roles.http=false}: the instance serves its probes and metrics ({@code /actuator}) and
 * nothing else; every other path is 404, before authentication. The path is the one the container
 * decoded and normalised, so no spelling reaches the API around it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnProperty(name = "ledger.roles.http", havingValue = "false")
public class HttpRoleOff extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        if (path.equals("/actuator") || path.startsWith("/actuator/")) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, 404, "role-not-served", "Not served here",
                "This instance runs without the HTTP role (ledger.roles.http=false): only /actuator is served.");
    }
}
