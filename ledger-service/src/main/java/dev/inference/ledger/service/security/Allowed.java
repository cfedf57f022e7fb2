package dev.inference.ledger.service.security;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Who may call an endpoint: the roles, and whether the operation acts on one account (a token bound to
 * an account may use it for that account only) or spans accounts (only an unbound token may). Every
 * handler method carries one; a method without it is refused to every caller.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Allowed {
    Role[] value();

    Reach reach() default Reach.ONE_ACCOUNT;

    enum Reach {
        /** Acts on the account(s) it names in its path, query or body; a bound token only on its own. */
        ONE_ACCOUNT,
        /** Spans accounts (opening one, reconciling all, prices, tokens): an unbound token only. */
        ALL_ACCOUNTS
    }
}
