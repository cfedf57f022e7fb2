package dev.inference.ledger.kernel.event;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The revision of an event's stored shape, when it is not the first: raise it when a field changes meaning or
 * goes away, and add an upcaster from the revision before. A field added that old rows may lack needs no new
 * revision. An event without this annotation is at revision {@value EventTypes#FIRST_REVISION}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventRevision {
    String value();
}
