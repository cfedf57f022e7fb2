package dev.inference.ledger.service.security;

import jakarta.servlet.DispatcherType;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.ComposablePointcut;
import org.springframework.aop.support.annotation.AnnotationMatchingPointcut;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authorization.method.AuthorizationManagerBeforeMethodInterceptor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.service.api.Problems;

/**
 * One filter chain, deny by default. Only the probes and the OpenAPI document are open; every
 * {@code /api/} request needs a bearer token, and every handler method of the API goes through the
 * {@link AccessRule} once its arguments are bound. Spring Security's {@code StrictHttpFirewall} refuses
 * encoded slashes, dots, backslashes and semicolons before any rule is matched.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfiguration {

    /**
     * Open without a token: the probes (details only for a token), the API's description, and the console's
     * own files (which hold no data: every figure it shows comes from the API, with the token signed in).
     */
    public static final String[] OPEN = {"/actuator/health", "/actuator/health/**", "/openapi.yaml", "/v3/api-docs",
            "/v3/api-docs.yaml", "/console", "/console/", "/console/index.html", "/console/console.js", "/console/console.css",
            "/receipts/verify-receipt.js", "/portal", "/portal/", "/portal/index.html", "/portal/portal.js", "/portal/portal.css"};

    /** Scripts and styles from the service only (never inline, never a CDN), no framing, nothing sent elsewhere. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    @Bean
    SecurityFilterChain filterChain(HttpSecurity http, TokenAuthenticationProvider tokens) throws Exception {
        AuthenticationFilter bearer = new AuthenticationFilter(new ProviderManager(tokens), BearerTokens::presented);
        bearer.setSuccessHandler((request, response, authentication) -> { });
        bearer.setFailureHandler((request, response, e) ->
                Problems.write(response, 401, "invalid-token", "Invalid token", e.getMessage()));
        return http
                .csrf(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .headers(h -> h.contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .addFilterAt(bearer, BasicAuthenticationFilter.class)
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((request, response, ex) -> Problems.write(response, 401, "unauthenticated",
                                "Authentication required", "send 'Authorization: Bearer <token>'"))
                        .accessDeniedHandler((request, response, ex) -> Problems.write(response, 403, "forbidden", "Forbidden",
                                "this token may not use this path")))
                .authorizeHttpRequests(a -> a
                        .requestMatchers(OPEN).permitAll()
                        // the container's own error page, reached only by an error dispatch, never asked for directly
                        .dispatcherTypeMatchers(DispatcherType.ERROR).permitAll()
                        .requestMatchers("/actuator/prometheus").hasAuthority(Caller.OPERATOR_AUTHORITY)
                        .requestMatchers("/api/**").authenticated()
                        .anyRequest().denyAll())
                .build();
    }

    /** A request the firewall refuses (an encoded slash, a dot segment, a semicolon …) gets a problem document. */
    @Bean
    RequestRejectedHandler requestRejected() {
        return (request, response, e) -> Problems.write(response, 400, "rejected-path", "Invalid request",
                "the request's path or headers are not in a form this service accepts");
    }

    /** Every handler method of the API, whatever its path: the access rule and the input bounds apply to all. */
    public static ComposablePointcut apiHandlers() {
        return new ComposablePointcut(new AnnotationMatchingPointcut(RestController.class, RequestMapping.class, true))
                .intersection(SecurityConfiguration::isApiType);
    }

    /** A class of the API's own (not springdoc's, not Spring's). */
    static boolean isApiType(Class<?> type) {
        return type.getPackageName().startsWith("dev.inference.ledger.service");
    }

    @Bean
    @org.springframework.context.annotation.Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    static Advisor accessRule(org.springframework.beans.factory.ObjectProvider<AccountOwner> owners) {
        return new AuthorizationManagerBeforeMethodInterceptor(apiHandlers(), new AccessRule(() -> owners.orderedStream().toList()));
    }

}
