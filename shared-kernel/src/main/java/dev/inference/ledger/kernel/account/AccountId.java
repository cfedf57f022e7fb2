package dev.inference.ledger.kernel.account;

import dev.inference.ledger.kernel.input.Identifier;

/** Account ids are chosen by the platform; they travel as Kafka keys and URL segments, so the alphabet is narrow. */
public final class AccountId {

    private AccountId() {
    }

    public static boolean isValid(String id) {
        return Identifier.ACCOUNT.isValid(id);
    }

    public static String require(String id) {
        return Identifier.ACCOUNT.require(id);
    }
}
