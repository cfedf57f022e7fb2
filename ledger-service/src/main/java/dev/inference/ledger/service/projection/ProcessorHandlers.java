package dev.inference.ledger.service.projection;

import java.util.Optional;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventHandlerInvoker;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A processor's handlers and segments, and a stored event read again, for applying an event outside the
 * processor's own stream. The processing configuration is looked up late: it needs the token store,
 * which needs this.
 */
@Component
public class ProcessorHandlers {

    private final ObjectProvider<EventProcessingConfiguration> processing;
    private final EventStorageEngine events;

    public ProcessorHandlers(ObjectProvider<EventProcessingConfiguration> processing, EventStorageEngine events) {
        this.processing = processing;
        this.events = events;
    }

    public Optional<EventHandlerInvoker> invoker(String processor) {
        return processing.getObject().eventProcessor(processor, AbstractEventProcessor.class)
                .map(AbstractEventProcessor::eventHandlerInvoker);
    }

    /** The segment as this instance's processor holds it, with its position; empty when it does not hold it now. */
    public Optional<EventTrackerStatus> status(String processor, int segmentId) {
        return processing.getObject().eventProcessor(processor, StreamingEventProcessor.class)
                .map(p -> p.processingStatus().get(segmentId));
    }

    /** The event at that place of its aggregate, upcast as the processors see it; empty if none is stored. */
    public Optional<DomainEventMessage<?>> read(String aggregateId, long sequence) {
        try (var stream = events.readEvents(aggregateId, sequence).asStream()) {
            return stream.filter(m -> m.getSequenceNumber() == sequence).<DomainEventMessage<?>>map(m -> m).findFirst();
        }
    }
}
