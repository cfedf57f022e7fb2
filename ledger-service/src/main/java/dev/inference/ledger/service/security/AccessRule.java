package dev.inference.ledger.service.security;

import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.RequestBody;

import tools.jackson.databind.JsonNode;

/**
 * The one authorization rule, applied to every handler method of the API after its arguments are bound:
 * the method's {@link Allowed} roles; for an operation that spans accounts, an unbound token; and a
 * bound token only on its own account, wherever the request names one — a path variable or query
 * parameter called {@code id} or {@code accountId}, or the {@code accountId} of the request body.
 */
public final class AccessRule implements AuthorizationManager<MethodInvocation> {

    private final Supplier<List<AccountOwner>> owners;

    /** {@code owners}: the request names that name something of one account, looked up when a request comes. */
    public AccessRule(Supplier<List<AccountOwner>> owners) {
        this.owners = owners;
    }

    /** The names under which a request names an account. */
    public static final Set<String> ACCOUNT_NAMES = Set.of("id", "accountId");

    /** A refusal with the sentence the caller reads in the problem document. */
    public static final class Refused extends AuthorizationDecision {
        private final String reason;

        Refused(String reason) {
            super(false);
            this.reason = reason;
        }

        public String reason() {
            return reason;
        }
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, MethodInvocation invocation) {
        Method method = AopUtils.getMostSpecificMethod(invocation.getMethod(), invocation.getThis().getClass());
        Refused refused = beforeBinding(method, authentication.get());
        if (refused != null) {
            return refused;
        }
        Caller caller = (Caller) authentication.get().getPrincipal();
        for (String account : accountsNamed(method, invocation.getArguments(), owners.get())) {
            if (!caller.mayAccess(account)) {
                return new Refused("this token is bound to another account");
            }
        }
        return new AuthorizationDecision(true);
    }

    /**
     * The part of the rule that needs no argument: the role and the reach. Applied also before the request
     * is bound ({@link AccessBeforeBinding}), so a caller outside the endpoint's roles learns nothing of
     * what the endpoint would have said about their body.
     */
    static Refused beforeBinding(Method method, Authentication authentication) {
        Allowed allowed = AnnotatedElementUtils.findMergedAnnotation(method, Allowed.class);
        if (allowed == null) {
            return new Refused("this endpoint is not open to any token");
        }
        if (!(authentication != null && authentication.getPrincipal() instanceof Caller caller)) {
            return new Refused("a bearer token is required");
        }
        if (Arrays.stream(allowed.value()).noneMatch(role -> role == caller.role())) {
            return new Refused("a " + caller.role().wire() + " token may not call this endpoint");
        }
        if (allowed.reach() == Allowed.Reach.ALL_ACCOUNTS && caller.isBound()) {
            return new Refused("this operation spans accounts: it needs a token bound to no account");
        }
        return null;
    }

    /** Every account a bound request names: in its path, its query or its body, directly or through what it owns. */
    static List<String> accountsNamed(Method method, Object[] arguments, List<AccountOwner> owners) {
        List<String> accounts = new ArrayList<>();
        Parameter[] parameters = method.getParameters();
        for (int i = 0; i < parameters.length; i++) {
            Object argument = arguments[i];
            if (argument == null) {
                continue;
            }
            Parameter parameter = parameters[i];
            String name = RequestNames.pathOrQueryName(parameter);
            AccountOwner owner = name == null ? null : owner(name, owners);
            if (name != null && ACCOUNT_NAMES.contains(name)) {
                accounts.add(String.valueOf(argument));
            } else if (owner != null) {
                owner.accountOf(String.valueOf(argument)).ifPresent(accounts::add);
            } else if (parameter.isAnnotationPresent(RequestBody.class)) {
                bodyAccount(argument, accounts);
            }
        }
        return accounts;
    }

    private static AccountOwner owner(String name, List<AccountOwner> owners) {
        for (AccountOwner owner : owners) {
            if (owner.requestName().equals(name)) {
                return owner;
            }
        }
        return null;
    }

    private static void bodyAccount(Object body, List<String> accounts) {
        if (body instanceof JsonNode node) {
            JsonNode account = node.get("accountId");
            if (account != null && !account.isNull()) {
                // Not text (an array, an object): named all the same, and never a bound token's own account.
                accounts.add(account.isString() ? account.asString() : account.toString());
            }
            return;
        }
        if (body.getClass().isRecord()) {
            for (RecordComponent component : body.getClass().getRecordComponents()) {
                if (ACCOUNT_NAMES.contains(component.getName())) {
                    Object value = RequestNames.read(component, body);
                    if (value != null) {
                        accounts.add(String.valueOf(value));
                    }
                }
            }
        }
    }
}
