package dev.inference.ledger.service.api;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.web.bind.annotation.RequestBody;

import dev.inference.ledger.kernel.input.Identifier;
import dev.inference.ledger.service.security.RequestNames;

/**
 * The HTTP door's bounds, applied to every handler method once its arguments are bound: every text a
 * request carries — path variable, query parameter, header, and every field of its body, nested or
 * in lists — is checked against the {@link Identifier} of its name ({@link Identifier#TEXT} for any
 * other), after the {@code AccessRule} (a caller who may not call an endpoint learns nothing of its
 * bounds), so no handler, command or column ever sees an unbounded value. A refusal is a 422.
 */
public final class RequestBounds implements MethodInterceptor {

    /** Names a request uses for an identifier whose field is named otherwise. */
    private static final Map<String, Identifier> ALIASES = Map.of("id", Identifier.ACCOUNT, "topUpId", Identifier.IDEMPOTENCY_KEY);

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), invocation.getThis().getClass());
        Parameter[] parameters = method.getParameters();
        Object[] arguments = invocation.getArguments();
        for (int i = 0; i < parameters.length; i++) {
            String name = RequestNames.requestName(parameters[i]);
            if (name != null) {
                check(name, arguments[i]);
            } else if (parameters[i].isAnnotationPresent(RequestBody.class)) {
                checkBody(arguments[i]);
            }
        }
        return invocation.proceed();
    }

    static Identifier identifierOf(String name) {
        Identifier alias = ALIASES.get(name);
        return alias != null ? alias : Identifier.forField(name).orElse(Identifier.TEXT);
    }

    private static void check(String name, Object value) {
        if (value instanceof String text) {
            identifierOf(name).problem(name, text).ifPresent(problem -> {
                throw new ApiException(422, "invalid-field", "Invalid field", problem);
            });
        } else if (value instanceof java.time.Instant instant) {
            WireInput.problem(name, instant).ifPresent(problem -> {
                throw new ApiException(422, "invalid-field", "Invalid field", problem);
            });
        } else if (value instanceof Collection<?> values) {
            values.forEach(v -> check(name, v));
        } else if (value != null && value.getClass().isRecord()) {
            checkBody(value);
        }
    }

    private static void checkBody(Object body) {
        if (body == null || !body.getClass().isRecord()) {
            return; // raw bodies (a usage event to quote) are checked by the decoder they are made for
        }
        for (RecordComponent component : body.getClass().getRecordComponents()) {
            check(component.getName(), RequestNames.read(component, body));
        }
    }
}
