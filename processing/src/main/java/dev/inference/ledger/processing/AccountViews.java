package dev.inference.ledger.processing;

/**
 * The processing group of the account read models (balances, ledger entries): one event stream read,
 * each event deserialized once and handed to every view, one transaction per batch for all of them.
 */
public final class AccountViews {

    public static final String GROUP = "account-views";

    private AccountViews() {
    }
}
