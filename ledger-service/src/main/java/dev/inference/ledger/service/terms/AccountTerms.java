package dev.inference.ledger.service.terms;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.springframework.stereotype.Component;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.accounts.AccountState;
import dev.inference.ledger.accounts.PriceTerms;
import dev.inference.ledger.kernel.account.AccountEvent.PriceOverrideSet;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.service.account.AccountStates;

/** An account's own prices and its commitments, as the account itself has them now (read from its events, as committed). */
@Component
public class AccountTerms {

    public static final String UPCOMING = "upcoming";
    public static final String ACTIVE = "active";
    public static final String USED_UP = "used-up";
    public static final String ENDED = "ended";

    private final AccountStates states;

    public AccountTerms(AccountStates states) {
        this.states = states;
    }

    /** A price override: the account's price for an item from {@code effectiveFrom}; {@code catalog}: back to the catalog's. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record OverrideView(String item, String provider, Instant effectiveFrom, boolean catalog,
                               @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal input,
                               @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal cachedInput,
                               @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal output,
                               @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal price, String reason, Instant setAt) {
    }

    /** A commitment and how much of it usage has consumed; {@code status}: upcoming, active, used-up (now at overage), ended. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CommitmentView(String commitmentId, String status,
                                 @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount,
                                 @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal consumed,
                                 @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal remaining, String currency,
                                 Instant startsAt, Instant endsAt,
                                 @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal discountPercent,
                                 @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal overagePercent,
                                 List<OverrideView> prices, boolean trueUp, String reason, Instant addedAt) {
    }

    public List<OverrideView> overrides(String accountId) {
        return state(accountId).map(s -> s.terms().overrides().stream()
                .sorted(Comparator.comparing((PriceOverrideSet o) -> o.price().item()).thenComparing(PriceOverrideSet::effectiveFrom))
                .map(o -> view(o.price(), o.effectiveFrom(), o.reason(), o.setAt())).toList()).orElse(List.of());
    }

    public List<CommitmentView> commitments(String accountId, Instant now) {
        return state(accountId).map(s -> s.terms().commitments().stream()
                .sorted(Comparator.comparing((PriceTerms.Commitment c) -> c.terms().startsAt()).reversed())
                .map(c -> view(c, s.currency(), now)).toList()).orElse(List.of());
    }

    public CommitmentView commitment(String accountId, String commitmentId, Instant now) {
        return commitments(accountId, now).stream().filter(c -> c.commitmentId().equals(commitmentId)).findFirst().orElseThrow();
    }

    private java.util.Optional<AccountState> state(String accountId) {
        return states.catchUp(accountId, Long.MAX_VALUE).map(AccountStates.Caught::state);
    }

    private static CommitmentView view(PriceTerms.Commitment c, String currency, Instant now) {
        var t = c.terms();
        BigDecimal amount = t.amount().amount();
        String status = c.ended() ? ENDED : now.isBefore(t.startsAt()) ? UPCOMING
                : c.consumed().compareTo(amount) >= 0 ? USED_UP : ACTIVE;
        return new CommitmentView(c.id(), status, plain(amount), plain(c.consumed()), plain(amount.subtract(c.consumed()).max(BigDecimal.ZERO)),
                currency, t.startsAt(), t.endsAt(), plain(t.discountPercent()), plain(t.overagePercent()),
                t.prices().stream().map(p -> view(p, null, null, null)).toList(), t.trueUp(), t.reason(), t.addedAt());
    }

    private static OverrideView view(ItemPrice p, Instant from, String reason, Instant setAt) {
        return new OverrideView(p.item(), p.provider(), from, p.catalog(), plain(p.input()), plain(p.cachedInput()), plain(p.output()),
                plain(p.price()), reason, setAt);
    }

    private static BigDecimal plain(BigDecimal value) {
        if (value == null) {
            return null;
        }
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }
}
