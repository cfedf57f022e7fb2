package dev.inference.ledger.service.audit;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.inference.ledger.service.security.AccountOwner;

/** A receipt's id names its account (the account its charge's event belongs to), for the access rule. */
@Component
class ReceiptOwner implements AccountOwner {

    private final ReceiptProofs proofs;

    ReceiptOwner(ReceiptProofs proofs) {
        this.proofs = proofs;
    }

    @Override
    public String requestName() {
        return "receiptId";
    }

    @Override
    public Optional<String> accountOf(String value) {
        return proofs.accountOf(value);
    }
}
