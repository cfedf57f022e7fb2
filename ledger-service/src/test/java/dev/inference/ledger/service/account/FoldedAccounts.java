package dev.inference.ledger.service.account;

import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;

/** An account's state as its events fold, for the tests of rules outside the aggregate (holds). */
public final class FoldedAccounts {

    private FoldedAccounts() {
    }

    public static AccountState of(AccountOpened opened, AccountEvent... events) {
        AccountState state = AccountState.opened(opened);
        for (AccountEvent event : events) {
            state = state.evolve(event);
        }
        return state;
    }
}
