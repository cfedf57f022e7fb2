package dev.inference.ledger.kernel.usage;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One usage event as a gateway or GPU cluster publishes it on {@code usage.events} (docs/contract.md).
 * Only the fields of its {@link UsageKind} are set; the rest are null. {@code interval} is set for a
 * compute record that names its {@code endpoint}: only those can be checked for overlaps.
 */
public record UsageRecord(
        String eventId,
        UsageKind kind,
        String accountId,
        Instant occurredAt,
        String source,
        Attribution attribution,
        String model,
        String provider,
        TokenCounts tokens,
        String meter,
        BigDecimal seconds,
        Integer replicas,
        String state,
        String unit,
        BigDecimal quantity,
        Interval interval) {

    /**
     * Who spent it, for budgets and usage breakdowns, and the agent run (trace) it was part of; every
     * part is optional. A stored record without a trace keeps the shape it had before traces were kept.
     */
    public record Attribution(String apiKeyId, String projectId, String memberId,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String traceId) {
        public static final Attribution NONE = new Attribution(null, null, null, null);
    }

    /** Token counts as reported: cached input is counted apart from (not inside) input. */
    public record TokenCounts(long input, long cachedInput, long output) {
    }
}
