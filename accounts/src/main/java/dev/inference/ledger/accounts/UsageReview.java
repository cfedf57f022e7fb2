package dev.inference.ledger.accounts;

import java.math.BigDecimal;

/**
 * The most one usage record may cost before a person looks at it ({@code LEDGER_USAGE_REVIEW_ABOVE}, in the
 * account's currency): a record above it is held ({@code UsageHeldForReview}), not charged, until an admin
 * approves or rejects it. A cost that high from one request or one interval is far likelier a publisher's
 * bug than usage, and a charge cannot be taken back without a correction.
 */
public record UsageReview(BigDecimal costAbove) {

    public static final BigDecimal DEFAULT_COST_ABOVE = new BigDecimal("10000");
    /**
     * The most records one account holds for review: a publisher's bug repeats itself, and each held record lives
     * in the account's state until decided. Past it a record is refused ({@code review-queue-full}) and dead-lettered.
     */
    public static final int MAX_HELD_PER_ACCOUNT = 1_000;

    public UsageReview {
        if (costAbove.signum() <= 0) {
            throw new IllegalArgumentException("the review ceiling must be positive");
        }
    }

    public static UsageReview defaults() {
        return new UsageReview(DEFAULT_COST_ABOVE);
    }

    /** Whether a record of this cost is held for review. */
    boolean holds(BigDecimal cost) {
        return cost.compareTo(costAbove) > 0;
    }
}
