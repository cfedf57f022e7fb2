package dev.inference.ledger.service.security;

import org.springframework.context.annotation.Configuration;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Applies the role and reach of the {@link AccessRule} once the handler is known and before its request
 * is read; the accounts the request names are checked when its arguments are bound.
 */
@Configuration(proxyBeanMethods = false)
public class AccessBeforeBinding implements WebMvcConfigurer, HandlerInterceptor {

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (handler instanceof HandlerMethod method && SecurityConfiguration.isApiType(method.getBeanType())) {
            AccessRule.Refused refused = AccessRule.beforeBinding(method.getMethod(), SecurityContextHolder.getContext().getAuthentication());
            if (refused != null) {
                throw new AuthorizationDeniedException(refused.reason(), refused);
            }
        }
        return true;
    }
}
