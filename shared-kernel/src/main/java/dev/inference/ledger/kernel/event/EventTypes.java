package dev.inference.ledger.kernel.event;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.hold.HoldEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.pricing.PriceListEvent;

/**
 * The event log's contract: the name and revision the store keeps for every event type. A name is its family and
 * the record's name ({@code account.UsageBatchCharged}), never a Java class name, so a class may move or be
 * renamed without breaking replay. Every type is a record permitted by one of the families' sealed interfaces,
 * so a new event is registered by declaring it. Rows stored before the names existed carry the class name and
 * no revision; {@link #named} still reads them.
 */
public final class EventTypes {

    public static final String FIRST_REVISION = "1";

    /**
     * A family of events: the sealed interface that permits them, the prefix of their names, and how rows stored before
     * the names spelled them ({@code legacyPrefix} and the record's name), frozen here so that the classes may move.
     */
    public record Family(String prefix, Class<?> sealedInterface, String legacyPrefix, String description) {
    }

    /** One stored event type. */
    public record EventType(String name, String revision, Class<? extends Record> type, Family family) {

        /** How rows stored before the stable names spell this type. */
        public String legacyName() {
            return family.legacyPrefix() + type.getSimpleName();
        }
    }

    public static final List<Family> FAMILIES = List.of(
            new Family("account", AccountEvent.class, "dev.inference.ledger.kernel.account.AccountEvent$",
                    "the Account aggregate: one stream per account"),
            new Family("hold", HoldEvent.class, "dev.inference.ledger.kernel.hold.HoldEvent$",
                    "holds: one stream per hold, `hold/<accountId>/<holdId>`"),
            new Family("invoice", InvoiceEvent.class, "dev.inference.ledger.kernel.invoice.InvoiceEvent$",
                    "the Invoice aggregate: one stream per invoice"),
            new Family("pricing", PriceListEvent.class, "dev.inference.ledger.kernel.pricing.",
                    "the PriceList aggregate: the published price catalogs"));

    private static final List<EventType> ALL;
    private static final Map<Class<?>, EventType> BY_CLASS = new HashMap<>();
    private static final Map<String, EventType> BY_STORED_NAME = new HashMap<>();

    static {
        List<EventType> all = new ArrayList<>();
        for (Family family : FAMILIES) {
            Arrays.stream(family.sealedInterface().getPermittedSubclasses())
                    .sorted((a, b) -> a.getSimpleName().compareTo(b.getSimpleName()))
                    .forEach(type -> all.add(register(family, type)));
        }
        ALL = Collections.unmodifiableList(all);
    }

    private EventTypes() {
    }

    private static EventType register(Family family, Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalStateException(type + " is an event and must be a record");
        }
        EventRevision revision = type.getAnnotation(EventRevision.class);
        EventType eventType = new EventType(family.prefix() + "." + type.getSimpleName(),
                revision == null ? FIRST_REVISION : revision.value(), type.asSubclass(Record.class), family);
        if (BY_STORED_NAME.put(eventType.name(), eventType) != null || BY_STORED_NAME.put(eventType.legacyName(), eventType) != null) {
            throw new IllegalStateException("two event types are named " + eventType.name());
        }
        BY_CLASS.put(type, eventType);
        return eventType;
    }

    /** Every event type, by family, then by name. */
    public static List<EventType> all() {
        return ALL;
    }

    /** The stored name and revision of an event class; empty for a class that is not an event. */
    public static Optional<EventType> of(Class<?> type) {
        return Optional.ofNullable(BY_CLASS.get(type));
    }

    /** The event class a stored type names, by its name or by the class name rows stored before names kept; only events resolve. */
    public static Optional<EventType> named(String storedName) {
        return Optional.ofNullable(BY_STORED_NAME.get(storedName));
    }
}
