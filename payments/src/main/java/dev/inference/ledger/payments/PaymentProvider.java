package dev.inference.ledger.payments;

import org.slf4j.LoggerFactory;

import dev.inference.ledger.kernel.money.Money;

/**
 * The port to whoever takes the customer's money (a recharge, an invoice) and gives it back (a credit note's refund).
 * An adapter must honour the idempotency key: asked again with the same key it gives the first answer and charges,
 * or refunds, nothing more.
 * Its answer is three-way, because a provider that timed out may have taken the money: only DECLINED
 * promises that it did not.
 */
public interface PaymentProvider {

    /** SUCCEEDED: paid. DECLINED: refused, no money taken. UNKNOWN: no definite answer, the same key is asked again. */
    enum Answer { SUCCEEDED, DECLINED, UNKNOWN }

    Outcome pay(Request request);

    /** Gives {@code amount} of the payment {@code paymentReference} back; the same key again refunds nothing more. */
    Outcome refund(Refund refund);

    /** {@link #refund}, where a provider that throws gave no answer: the refund may have been made, so the same key is asked again. */
    default Outcome refundOrUnknown(Refund refund) {
        try {
            return refund(refund);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(PaymentProvider.class).warn("refund {}: the provider gave no answer: {}", refund.idempotencyKey(),
                    e.toString());
            return Outcome.unknown("no-answer: " + e.getClass().getSimpleName());
        }
    }

    /** A refund of part or all of a payment the provider made ({@code paymentReference}: its reference). */
    record Refund(String idempotencyKey, String accountId, Money amount, String paymentReference) {
    }

    /**
     * {@link #pay}, where a provider that throws gave no answer rather than a refusal: the money may have
     * been taken, so the outcome is unknown and the same key is asked again.
     */
    default Outcome payOrUnknown(Request request) {
        try {
            return pay(request);
        } catch (RuntimeException e) {
            LoggerFactory.getLogger(PaymentProvider.class).warn("payment {}: the provider gave no answer: {}", request.idempotencyKey(),
                    e.toString());
            return Outcome.unknown("no-answer: " + e.getClass().getSimpleName());
        }
    }

    /** {@code paymentMethodId}: the card on file to charge, or null for the account's default at the provider. */
    record Request(String idempotencyKey, String accountId, Money amount, String paymentMethodId) {
        public Request(String idempotencyKey, String accountId, Money amount) {
            this(idempotencyKey, accountId, amount, null);
        }
    }

    /**
     * {@code reference}: the provider's payment id when it succeeded; {@code reason}: why not, otherwise. {@code amount}: what the
     * provider took under the key, when it says (a second request with the same key gets the first one's amount).
     */
    record Outcome(Answer answer, String reference, String reason, java.math.BigDecimal amount) {

        public Outcome(Answer answer, String reference, String reason) {
            this(answer, reference, reason, null);
        }

        public static Outcome succeeded(String reference) {
            return new Outcome(Answer.SUCCEEDED, reference, null);
        }

        public static Outcome succeeded(String reference, java.math.BigDecimal amount) {
            return new Outcome(Answer.SUCCEEDED, reference, null, amount);
        }

        /** A definite refusal (the card declined): no money was taken. */
        public static Outcome declined(String reason) {
            return new Outcome(Answer.DECLINED, null, reason);
        }

        /** No definite answer (a timeout, no answer, the provider unsure): ask again with the same key. */
        public static Outcome unknown(String reason) {
            return new Outcome(Answer.UNKNOWN, null, reason);
        }
    }
}
