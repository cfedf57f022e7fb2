package dev.inference.ledger.service.security;

import java.util.Arrays;
import java.util.Map;

import org.springframework.stereotype.Component;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;

import dev.inference.ledger.service.api.Problems;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Enforces {@link Allowed}: the caller's role, and the account a bound token is limited to. */
@Component
public class AccessInterceptor implements HandlerInterceptor {

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        if (!(handler instanceof HandlerMethod method) || !request.getRequestURI().startsWith("/api/")) {
            return true;
        }
        Allowed allowed = method.getMethodAnnotation(Allowed.class);
        Caller caller = (Caller) request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (allowed == null || caller == null) {
            Problems.write(response, 403, "forbidden", "Forbidden", "this endpoint is not open to any token");
            return false;
        }
        if (Arrays.stream(allowed.value()).noneMatch(role -> role == caller.role())) {
            Problems.write(response, 403, "forbidden", "Forbidden", "a " + caller.role().wire() + " token may not call this endpoint");
            return false;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> path = (Map<String, String>) request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String account = path == null ? null : path.getOrDefault("id", request.getParameter("accountId"));
        if (account != null && !caller.mayAccess(account)) {
            Problems.write(response, 403, "forbidden", "Forbidden", "this token is bound to another account");
            return false;
        }
        return true;
    }
}
