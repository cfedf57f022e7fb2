package dev.inference.ledger.kernel.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

class RecordHashTest {

    private static UsageRecord units(String quantity, String apiKey) {
        return new UsageRecord("e-1", UsageKind.UNITS, "acct-1", Instant.parse("2026-11-22T10:00:00Z"), "gw",
                new Attribution(apiKey, null, null, null), "black-forest-labs/FLUX-1-schnell", null, null, null, null, null, null,
                "image", new BigDecimal(quantity), null);
    }

    @Test
    void the_same_content_written_another_way_has_the_same_fingerprint() {
        assertThat(RecordHash.of(units("1.50", "k"))).isEqualTo(RecordHash.of(units("1.5", "k"))).hasSize(RecordHash.BYTES);
    }

    @Test
    void other_content_has_another_fingerprint_and_a_missing_field_is_not_an_empty_one() {
        assertThat(RecordHash.of(units("2", "k"))).isNotEqualTo(RecordHash.of(units("1.5", "k")));
        assertThat(RecordHash.of(units("1.5", null))).isNotEqualTo(RecordHash.of(units("1.5", "")));
    }
}
