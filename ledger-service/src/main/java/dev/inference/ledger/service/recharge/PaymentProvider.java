package dev.inference.ledger.service.recharge;

import dev.inference.ledger.kernel.money.Money;

/**
 * The port to whoever takes the customer's money for a recharge. An adapter must honour the
 * idempotency key: asked again with the same key it gives the first answer and charges nothing more.
 * It throws when it cannot tell (provider unreachable); the caller then asks again with the same key.
 */
public interface PaymentProvider {

    Outcome pay(Request request);

    record Request(String idempotencyKey, String accountId, Money amount) {
    }

    /** {@code reference}: the provider's payment id when it succeeded; {@code reason}: why not, when it failed. */
    record Outcome(boolean succeeded, String reference, String reason) {
    }
}
