package dev.inference.ledger.service.projection;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericTrackedDomainEventMessage;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.messaging.Message;
import org.axonframework.messaging.unitofwork.BatchingUnitOfWork;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import dev.inference.ledger.service.projection.LateEvents.Stored;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Finds the events a processor's position passed over. Processors read the store by global index; an
 * index whose transaction is still open is a gap, which Axon waits for only so long (the gap timeout and
 * the maximum gap offset) and then drops: the event, committed later, would be skipped by that processor
 * for good (AxonFramework #4829). Each time a position is stored, the gaps it no longer has are checked:
 * a gap closed by its event, delivered in this batch or not this segment's, is done; one whose event is
 * still missing, or committed but not delivered to a segment that handles it, was given up on and is
 * recorded in the same transaction (LateEvents), to be applied later (LateEventRepair).
 */
@Component
public class GapWatch {

    private static final Logger log = LoggerFactory.getLogger(GapWatch.class);
    /** The event store's first global index (a BIGSERIAL). */
    private static final long FIRST_INDEX = 1;

    private final LateEvents late;
    private final ProcessorHandlers handlers;
    private final MeterRegistry meters;

    public GapWatch(LateEvents late, ProcessorHandlers handlers, MeterRegistry meters) {
        this.late = late;
        this.handlers = handlers;
        this.meters = meters;
    }

    /** Called on the processor's thread, in the transaction that stores {@code after}. */
    void moved(String processor, int segment, TrackingToken before, TrackingToken after) {
        Optional<GapAwareTrackingToken> from = WrappedToken.unwrap(before, GapAwareTrackingToken.class);
        Optional<GapAwareTrackingToken> to = WrappedToken.unwrap(after, GapAwareTrackingToken.class);
        if (to.isEmpty() || before != null && from.isEmpty()) {
            return;
        }
        Set<Long> waiting = to.get().getGaps();
        // A gap opened and dropped between two stored positions was never in one: the range between them is
        // checked for missing events too (the event of an index passed over is never missing otherwise). No
        // position before is a segment that has consumed nothing yet: its first position covers the store
        // from the first index on (a segment that handled no event of the stream kept none, and may store
        // its first one well past a gap already dropped).
        long first = from.map(token -> token.getIndex() + 1).orElse(FIRST_INDEX);
        List<Long> givenUp = new ArrayList<>(late.missing(first, to.get().getIndex()).stream()
                .filter(index -> !waiting.contains(index)).toList());
        List<Long> closed = from.<Set<Long>>map(GapAwareTrackingToken::getGaps).orElse(Set.of()).stream()
                .filter(gap -> gap <= to.get().getIndex() && !waiting.contains(gap)).toList();
        Map<Long, Stored> stored = closed.isEmpty() ? Map.of()
                : late.stored(closed).stream().collect(Collectors.toMap(Stored::globalIndex, Function.identity()));
        Set<String> delivered = closed.isEmpty() ? Set.of() : delivered();
        for (Long index : closed) {
            Stored event = stored.get(index);
            if (event == null || !delivered.contains(event.eventId()) && owed(processor, segment, event)) {
                givenUp.add(index);
            }
        }
        if (!givenUp.isEmpty()) {
            late.record(processor, segment, givenUp);
            meters.counter(LateEventRepair.METRIC, "processor", processor, "outcome", "given-up").increment(givenUp.size());
            log.warn("{} segment {} passed over events not yet committed at {}: recorded, to be applied once committed",
                    processor, segment, givenUp);
        }
    }

    /** The events of the batch whose position is being stored. */
    private static Set<String> delivered() {
        if (CurrentUnitOfWork.isStarted() && CurrentUnitOfWork.get().root() instanceof BatchingUnitOfWork<?> batch) {
            return batch.getMessages().stream().map(Message::getIdentifier).collect(Collectors.toSet());
        }
        return Set.of();
    }

    /** Whether the segment handles the event: a segment that does not was right to pass it over. */
    private boolean owed(String processor, int segmentId, Stored event) {
        Optional<Segment> segment = handlers.status(processor, segmentId).map(EventTrackerStatus::getSegment);
        if (segment.isEmpty()) {
            return true; // not known here: recorded, and LateEventRepair decides with the segment in hand
        }
        return handlers.read(event.aggregateId(), event.sequence())
                .map(message -> new GenericTrackedDomainEventMessage<>(null, message))
                .map(message -> handlers.invoker(processor).map(i -> i.canHandle(message, segment.get())).orElse(true))
                .orElse(true);
    }
}
