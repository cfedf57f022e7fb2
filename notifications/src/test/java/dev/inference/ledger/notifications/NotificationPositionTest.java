package dev.inference.ledger.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.junit.jupiter.api.Test;

/** Which events a committed position already told, when a batch is read again after a crash. */
class NotificationPositionTest {

    // Told up to event 1012 while event 1005 was not yet committed: a gap.
    private static final GapAwareTrackingToken TOLD = GapAwareTrackingToken.newInstance(1012, List.of(1005L));

    @Test
    void events_up_to_the_position_are_told_and_its_gap_is_not() {
        assertThat(NotificationTransactions.includes(TOLD, token(1003), () -> 1003)).isTrue();
        assertThat(NotificationTransactions.includes(TOLD, token(1012, 1005L), () -> 1012)).isTrue();
        assertThat(NotificationTransactions.includes(TOLD, token(1013), () -> 1013)).isFalse();
    }

    @Test
    void re_read_after_the_gap_filled_the_gap_is_new_and_the_events_after_it_are_not() {
        // Read again from 1000: 1005 is there now, so the tokens after it carry no gap.
        assertThat(NotificationTransactions.includes(TOLD, token(1005), () -> 1005)).isFalse();
        assertThat(NotificationTransactions.includes(TOLD, token(1006), () -> 1006)).isTrue();
        assertThat(NotificationTransactions.includes(TOLD, token(1012), () -> 1012)).isTrue();
    }

    @Test
    void a_late_event_filling_the_gap_is_new() {
        // 1005 arrives after 1012 was read: its token is 1012 without the gap, its own index 1005.
        assertThat(NotificationTransactions.includes(TOLD, token(1012), () -> 1005)).isFalse();
    }

    @Test
    void telling_the_late_event_keeps_the_position_at_the_events_told_after_it() {
        // The re-read batch's only new event is 1005: the position moves to 1012 without the gap, not back to 1005.
        var after = NotificationTransactions.advance(TOLD, token(1005));
        assertThat(after).isEqualTo(token(1012));
        assertThat(NotificationTransactions.includes(after, token(1010), () -> 1010)).isTrue();
    }

    private static GapAwareTrackingToken token(long index, Long... gaps) {
        return GapAwareTrackingToken.newInstance(index, List.of(gaps));
    }
}
