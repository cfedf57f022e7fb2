package dev.inference.ledger.service.projection;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.async.SequencingPolicy;

import dev.inference.ledger.kernel.hold.HoldEvent;

/**
 * Which events a processor of several segments keeps in order: each account's, its holds' events among
 * them (a hold's stream names its account), read from the stream's name, so no event is decoded to route it.
 * Events of no stream need no order.
 */
public final class AccountSequencing implements SequencingPolicy<EventMessage<?>> {

    @Override
    public Object getSequenceIdentifierFor(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domain ? HoldEvent.accountOfStream(domain.getAggregateIdentifier()) : null;
    }
}
