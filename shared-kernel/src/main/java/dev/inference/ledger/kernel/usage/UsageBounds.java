package dev.inference.ledger.kernel.usage;

import java.math.BigDecimal;

/**
 * The most that one usage record may carry. Each bound is far above what one request or one interval
 * of one cluster can use, so a record beyond it is a publisher's bug (a unit confused, a counter
 * overflowed) and is dead-lettered {@link Rejection#IMPLAUSIBLE_QUANTITY}, never charged.
 */
public final class UsageBounds {

    /** Input plus cached input: ten times the largest context window of any catalogued model. */
    public static final long MAX_PROMPT_TOKENS = 10_000_000;
    /** Output of one request: no model writes more than its context window. */
    public static final long MAX_OUTPUT_TOKENS = 10_000_000;
    /** One interval of instance time: 366 days. */
    public static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(366L * 24 * 3600);
    /** Instances of one endpoint billed by one record. */
    public static final int MAX_REPLICAS = 10_000;
    /** Images, videos or requests in one record. */
    public static final BigDecimal MAX_UNITS = BigDecimal.valueOf(1_000_000);

    private UsageBounds() {
    }
}
