package dev.inference.ledger.service.hold;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.inference.ledger.service.security.AccountOwner;

/** A hold's id names its account, for the access rule. */
@Component
class HoldOwner implements AccountOwner {

    private final HoldStore store;

    HoldOwner(HoldStore store) {
        this.store = store;
    }

    @Override
    public String requestName() {
        return "holdId";
    }

    @Override
    public Optional<String> accountOf(String value) {
        return store.find(value).map(HoldStore.StoredHold::accountId);
    }
}
