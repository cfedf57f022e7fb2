package dev.inference.ledger.kernel.usage;

import java.math.BigDecimal;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One usage event as a gateway or GPU cluster publishes it on {@code usage.events} (docs/reference/contract.md).
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
     * Who spent it, for budgets and usage breakdowns, the agent run (trace) it was part of, and the hold it
     * settles; every part is optional. {@code holdFinal} is false only for a record that draws on its hold
     * and leaves it open for more (an agent's calls); null means the record ends the hold. A stored record
     * without a trace or a hold keeps the shape it had before either was kept.
     */
    public record Attribution(String apiKeyId, String projectId, String memberId,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String traceId,
                              @JsonInclude(JsonInclude.Include.NON_NULL) String holdId,
                              @JsonInclude(JsonInclude.Include.NON_NULL) Boolean holdFinal) {
        public static final Attribution NONE = new Attribution(null, null, null, null);

        public Attribution(String apiKeyId, String projectId, String memberId, String traceId) {
            this(apiKeyId, projectId, memberId, traceId, null, null);
        }

        /** Whether charging this record ends the hold it names. */
        public boolean endsHold() {
            return holdId != null && !Boolean.FALSE.equals(holdFinal);
        }
    }

    /** Token counts as reported: cached input is counted apart from (not inside) input. */
    public record TokenCounts(long input, long cachedInput, long output) {
    }
}
