package dev.inference.ledger.service.ops;

import java.util.OptionalLong;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * How far behind the event store each streaming processor is on this instance, in events: the store's head
 * less the lowest position of the segments this instance holds ({@code ledger.projection.lag{processor}};
 * NaN where it holds none, so a dashboard takes the maximum over instances).
 */
@Component
public class ProjectionLag {

    private final EventProcessingConfiguration processing;
    private final EventStore events;
    private final MeterRegistry meters;

    public ProjectionLag(EventProcessingConfiguration processing, EventStore events, MeterRegistry meters) {
        this.processing = processing;
        this.events = events;
        this.meters = meters;
    }

    @EventListener(ApplicationReadyEvent.class)
    void register() {
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor streaming) {
                Gauge.builder("ledger.projection.lag", streaming, this::lag).tag("processor", name)
                        .description("events between the store's head and this processor's lowest segment here").register(meters);
            }
        });
    }

    private double lag(StreamingEventProcessor processor) {
        TrackingToken headToken = events.createHeadToken();
        OptionalLong head = headToken == null ? OptionalLong.empty() : headToken.position();
        long lowest = Long.MAX_VALUE;
        for (EventTrackerStatus status : processor.processingStatus().values()) {
            OptionalLong position = status.getCurrentPosition();
            lowest = Math.min(lowest, position.orElse(-1));
        }
        if (head.isEmpty() || lowest == Long.MAX_VALUE) {
            return Double.NaN;
        }
        return Math.max(0, head.getAsLong() - lowest);
    }
}
