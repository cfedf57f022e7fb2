package dev.inference.ledger.accounts;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.inference.ledger.kernel.account.AccountEvent.CommitmentAdded;
import dev.inference.ledger.kernel.account.AccountEvent.CommitmentEnded;
import dev.inference.ledger.kernel.account.AccountEvent.PriceOverrideSet;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.ItemPrice;

/**
 * The account's own terms for prices, as its events left them: its price overrides, its commitments with what each has
 * consumed, and the month's volume of each item charged at graduated prices ({@code month}: the UTC month of the charges
 * it counts; a charge in a later month starts the count again).
 */
public record PriceTerms(List<PriceOverrideSet> overrides, List<Commitment> commitments, String month, Map<String, BigDecimal> volume) {

    static final PriceTerms NONE = new PriceTerms(List.of(), List.of(), null, Map.of());

    public PriceTerms {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        commitments = commitments == null ? List.of() : List.copyOf(commitments);
        volume = volume == null ? Map.of() : Map.copyOf(volume);
    }

    /** A commitment and what usage has consumed of it. */
    public record Commitment(CommitmentAdded terms, BigDecimal consumed, boolean ended) {

        public String id() {
            return terms.commitmentId();
        }

        /** Whether usage charged at {@code at} falls in its term. */
        boolean covers(Instant at) {
            return !ended && !at.isBefore(terms.startsAt()) && at.isBefore(terms.endsAt());
        }

        boolean usedUp() {
            return consumed.compareTo(terms.amount().amount()) >= 0;
        }

        /** The contract's own price for an item, if it names one. */
        ItemPrice priceOf(String item, String provider) {
            return terms.prices().stream().filter(p -> p.covers(item, provider)).findFirst().orElse(null);
        }
    }

    /**
     * The account's price for an item in force for a record that occurred at {@code occurredAt}: the latest override from
     * before it (one for the provider over one for any provider, set at the same time); null when the catalog's holds.
     */
    ItemPrice overrideFor(String item, String provider, Instant occurredAt) {
        PriceOverrideSet found = null;
        for (PriceOverrideSet o : overrides) {
            if (o.price().covers(item, provider) && !o.effectiveFrom().isAfter(occurredAt)
                    && (found == null || o.effectiveFrom().isAfter(found.effectiveFrom())
                    || o.effectiveFrom().equals(found.effectiveFrom()) && o.price().provider() != null)) {
                found = o;
            }
        }
        return found == null || found.price().catalog() ? null : found.price();
    }

    /** The commitment whose term covers a charge at {@code at}, if any (terms never overlap). */
    Commitment commitmentAt(Instant at) {
        for (Commitment c : commitments) {
            if (c.covers(at)) {
                return c;
            }
        }
        return null;
    }

    Commitment commitment(String commitmentId) {
        return commitments.stream().filter(c -> c.id().equals(commitmentId)).findFirst().orElse(null);
    }

    /** The month's volume of an item so far, for a charge at {@code at}. */
    BigDecimal volumeOf(String item, String provider, Instant at) {
        return monthOf(at).equals(month) ? volume.getOrDefault(key(item, provider), BigDecimal.ZERO) : BigDecimal.ZERO;
    }

    /** The commitments whose term has ended by {@code now} but have not been closed yet, soonest first. */
    List<Commitment> endedBy(Instant now) {
        return commitments.stream().filter(c -> !c.ended() && !c.terms().endsAt().isAfter(now))
                .sorted(Comparator.comparing(c -> c.terms().endsAt())).toList();
    }

    PriceTerms overridden(PriceOverrideSet set) {
        List<PriceOverrideSet> next = new ArrayList<>(overrides.size() + 1);
        for (PriceOverrideSet o : overrides) {
            if (!(o.price().item().equals(set.price().item()) && java.util.Objects.equals(o.price().provider(), set.price().provider())
                    && o.effectiveFrom().equals(set.effectiveFrom()))) {
                next.add(o);
            }
        }
        next.add(set);
        return new PriceTerms(next, commitments, month, volume);
    }

    PriceTerms added(CommitmentAdded added) {
        List<Commitment> next = new ArrayList<>(commitments);
        next.add(new Commitment(added, BigDecimal.ZERO, false));
        return new PriceTerms(overrides, next, month, volume);
    }

    PriceTerms ended(CommitmentEnded ended) {
        return new PriceTerms(overrides, commitments.stream()
                .map(c -> c.id().equals(ended.commitmentId()) ? new Commitment(c.terms(), c.consumed(), true) : c).toList(), month, volume);
    }

    /** A batch's usage: the volume of its graduated lines, and what its commitment-priced records consumed. */
    PriceTerms charged(UsageBatchCharged batch) {
        boolean tiered = false;
        boolean committed = false;
        for (PriceUsed price : batch.prices()) {
            tiered |= price.components().stream().anyMatch(c -> c.tier() != null);
            committed |= price.commitmentId() != null;
        }
        if (!tiered && !committed) {
            return this;
        }
        String chargedIn = monthOf(batch.chargedAt());
        Map<String, BigDecimal> nextVolume = new HashMap<>(chargedIn.equals(month) ? volume : Map.of());
        Map<String, BigDecimal> consumedBy = new HashMap<>();
        for (ChargedRecord record : batch.records()) {
            PriceUsed price = batch.prices().get(record.price());
            for (int i = 0; i < price.components().size(); i++) {
                if (price.components().get(i).tier() != null) {
                    nextVolume.merge(key(price.item(), price.provider()), record.quantities().get(i), BigDecimal::add);
                }
            }
            if (price.commitmentId() != null) {
                consumedBy.merge(price.commitmentId(), record.cost(), BigDecimal::add);
            }
        }
        return new PriceTerms(overrides, consumed(consumedBy, 1), chargedIn, nextVolume);
    }

    /**
     * A reversed record no longer consumes the commitment that priced it; reversed in the month it was charged, its graduated
     * quantity leaves that month's volume (never below zero), so later usage is priced as if it had not been charged.
     */
    PriceTerms reversed(UsageReversed reversal) {
        PriceUsed price = reversal.price();
        String id = price == null ? null : price.commitmentId();
        List<Commitment> nextCommitments = id == null ? commitments : consumed(Map.of(id, reversal.cost().amount()), -1);
        Map<String, BigDecimal> nextVolume = volume;
        if (price != null && reversal.chargedAt() != null && monthOf(reversal.chargedAt()).equals(month)) {
            BigDecimal tiered = BigDecimal.ZERO;
            for (int i = 0; i < price.components().size(); i++) {
                if (price.components().get(i).tier() != null) {
                    tiered = tiered.add(reversal.record().quantities().get(i));
                }
            }
            if (tiered.signum() > 0) {
                BigDecimal back = tiered;
                nextVolume = new HashMap<>(volume);
                nextVolume.computeIfPresent(key(price.item(), price.provider()), (k, v) -> v.subtract(back).max(BigDecimal.ZERO));
            }
        }
        return nextCommitments == commitments && nextVolume == volume ? this : new PriceTerms(overrides, nextCommitments, month, nextVolume);
    }

    private List<Commitment> consumed(Map<String, BigDecimal> amounts, int sign) {
        if (amounts.isEmpty()) {
            return commitments;
        }
        return commitments.stream().map(c -> {
            BigDecimal more = amounts.get(c.id());
            return more == null ? c : new Commitment(c.terms(), c.consumed().add(sign > 0 ? more : more.negate()), c.ended());
        }).toList();
    }

    static String monthOf(Instant at) {
        return YearMonth.from(at.atOffset(ZoneOffset.UTC)).toString();
    }

    static String key(String item, String provider) {
        return item + '|' + provider;
    }
}
