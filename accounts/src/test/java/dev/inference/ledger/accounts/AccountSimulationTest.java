package dev.inference.ledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.RuleViolation;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.ChargeLine;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ApproveTopUp;
import dev.inference.ledger.accounts.AccountCommand.ChargeUsage;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.ChargedUsage;
import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.GrantTerms;
import dev.inference.ledger.accounts.AccountCommand.ReverseUsage;
import dev.inference.ledger.accounts.AccountCommand.VoidCredit;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.PaymentAnswer;
import dev.inference.ledger.accounts.AccountCommand.RecordRechargeOutcome;
import dev.inference.ledger.accounts.AccountCommand.RejectTopUp;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.AccountCommand.UsageToCharge;

/**
 * A seeded random simulation of the Account's decisions (the same rule functions the aggregate applies,
 * folded by the same evolve), over {@code -Dsimulation.commands} random commands (default 1,000,000):
 * top-ups (some held for review, then approved or rejected), usage batches across keys and projects,
 * budgets, auto-recharge settings and recharge outcomes, credit grants (some effective later, most expiring), voids and
 * expiries, reversals of charged records (some asked twice), short commitments, price overrides and usage of a model with volume
 * tiers. After every command: the balance is exactly the credits less the charges and expiries the events carry, and
 * exactly what the grants have left less what is owed beyond them; no grant is below zero, none pays before its effective
 * time or after its expiry, grants never pay more than was charged, and no record is reversed twice; a commitment prices records
 * only in its term and until used up (overage after), its consumption is what its records say, and a tiered line lies in its tier; no more than one recharge is ever in flight; every budget's
 * spend is what its records say, and its scope is blocked exactly while the cap is reached (the hard cap
 * blocks at authorize: usage that already happened is charged); the tier never goes down. Every command
 * happens on one day (the clock moves up to 40 ms a command), so no more recharges are asked than the daily limit allows, and the limit is told at most once. A failure prints
 * the seed and the command number.
 */
class AccountSimulationTest {

    private static final String ID = "acct-sim";
    private static final Instant NOW = Instant.parse("2026-11-15T12:00:00Z");
    private static final Instant MONTH_BEGAN = Instant.parse("2026-11-01T00:00:00Z");
    private static final String[] KEYS = {"key-0", "key-1", "key-2", "key-3"};
    private static final String[] PROJECTS = {"proj-0", "proj-1", "proj-2"};

    private final UsageTiers tiers = UsageTiers.defaults();
    private final RechargePolicy policy = new RechargePolicy(4, Duration.ofSeconds(30), 3, new BigDecimal("10000"));

    @Test
    void millions_of_random_commands_keep_the_accounts_invariants() {
        long seed = Long.getLong("simulation.seed", 20261203L);
        int commands = Integer.getInteger("simulation.commands", 1_000_000);
        Random random = new Random(seed);
        Simulation sim = new Simulation();
        sim.apply(List.of(AccountRules.open(new OpenAccount(ID, "Simulated", BillingMode.PREPAID, "USD"), NOW)));
        for (int p = 0; p < PROJECTS.length; p++) {
            sim.apply(List.of(AccountRules.addProject(sim.state, new AddProject(ID, PROJECTS[p], "Project " + p), NOW)));
        }
        sim.apply(List.of(AccountRules.addMember(sim.state, new AddMember(ID, "member-0", "developer"), NOW)));
        for (String key : KEYS) {
            sim.apply(List.of(AccountRules.issueApiKey(sim.state, new IssueApiKey(ID, key, null, null), NOW)));
        }
        int refused = 0;
        for (int n = 0; n < commands; n++) {
            sim.now = sim.now.plusMillis(random.nextInt(40)); // about five and a half hours, all on one day
            try {
                sim.apply(next(random, sim, n));
            } catch (RuleViolation e) {
                refused++; // a command the rules refuse changes nothing
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", command " + n + ": " + e.getMessage(), e);
            }
        }
        assertThat(sim.charged).as("records charged").isGreaterThan(commands / 2);
        assertThat(sim.rechargesRequested).as("recharges requested, all on one day: never past the daily limit")
                .isPositive().isLessThanOrEqualTo(policy.maxPerDay());
        assertThat(sim.limitsReached).as("the daily limit told at most once that day").isLessThanOrEqualTo(1);
        assertThat(sim.blocks).as("budgets that blocked").isPositive();
        assertThat(refused).as("commands refused").isLessThan(commands / 2);
        System.out.println("simulation: " + commands + " commands, " + refused + " refused, " + sim.expired + " grants expired, "
                + sim.voided + " voided, " + sim.reversals + " records reversed, at most " + sim.mostOpen + " grants open at once");
        assertThat(sim.expired).as("grants expired").isPositive();
        assertThat(sim.voided).as("grants voided").isPositive();
        assertThat(sim.reversals).as("records reversed").isPositive();
        System.out.println("simulation: " + sim.commitments.size() + " commitments, " + sim.ended.size() + " ended, " + sim.committedRecords
                + " records at a commitment's rates, " + sim.overageRecords + " at overage, " + sim.tieredLines + " tiered lines, volume "
                + sim.volume.toPlainString());
        assertThat(sim.committedRecords).as("records at a commitment's rates").isPositive();
        assertThat(sim.overageRecords).as("records at overage").isPositive();
        assertThat(sim.volume).as("the month's volume passed the last tier").isGreaterThan(TIER_3);
    }

    private List<AccountEvent> next(Random random, Simulation sim, int n) {
        AccountState state = sim.state;
        Instant now = sim.now;
        int dice = random.nextInt(100);
        if (dice < 45) {
            List<UsageToCharge> usage = new ArrayList<>();
            for (int r = 1 + random.nextInt(10); r > 0; r--) {
                BigDecimal cost = BigDecimal.valueOf(1 + random.nextInt(1_000_000), 6); // 0.000001 to 1: the balance swings low and back
                Charge charge = random.nextInt(3) == 0 ? tiered(1 + random.nextInt(1_000_000))
                        : new Charge("tokens", "m", "p", 1, List.of(new ChargeLine("input", BigDecimal.valueOf(1_000_000), cost,
                        "1M tokens", new Money(cost, "USD"))), new Money(cost, "USD"));
                Instant at = MONTH_BEGAN.plusSeconds(random.nextInt((int) Duration.between(MONTH_BEGAN, now).getSeconds()));
                usage.add(new UsageToCharge("u-" + n + "-" + r, at, "gw", new Attribution(KEYS[random.nextInt(KEYS.length)],
                        random.nextBoolean() ? PROJECTS[random.nextInt(PROJECTS.length)] : null, null, null), charge, null));
            }
            return AccountRules.charge(state, new ChargeUsage(ID, usage), tiers, policy, UsageReview.defaults(), now);
        }
        if (dice < 49) {
            if (state.balance().amount().compareTo(BigDecimal.valueOf(300)) > 0) {
                return List.of(); // nobody tops up a balance this high: the top-ups (grants) open stay few, as in life
            }
            BigDecimal amount = BigDecimal.valueOf(10 + random.nextInt(random.nextInt(20) == 0 ? 8_000 : 50));
            return AccountRules.topUp(state, new TopUp(ID, "t-" + n, new Money(amount, "USD")), tiers, policy, now);
        }
        if (dice < 53 && !state.heldTopUps().isEmpty()) {
            String held = state.heldTopUps().keySet().iterator().next();
            return random.nextBoolean() ? AccountRules.approve(state, new ApproveTopUp(ID, held), tiers, policy, now)
                    : List.of(AccountRules.reject(state, new RejectTopUp(ID, held, "simulated"), now));
        }
        if (dice < 60) {
            int scope = random.nextInt(3);
            String scopeName = scope == 0 ? "account" : scope == 1 ? "project" : "apiKey";
            String scopeId = scope == 0 ? ID : scope == 1 ? PROJECTS[random.nextInt(PROJECTS.length)] : KEYS[random.nextInt(KEYS.length)];
            return AccountRules.setBudget(state, new SetBudget(ID, scopeName, scopeId, "month",
                    new Money(BigDecimal.valueOf(1 + random.nextInt(400)), "USD"), List.of(new BigDecimal("0.5"), new BigDecimal("0.8"))), now);
        }
        if (dice < 63) {
            return FundingRules.configure(state, new ConfigureAutoRecharge(ID, random.nextInt(4) > 0,
                    new Money(BigDecimal.valueOf(5 + random.nextInt(50)), "USD"), new Money(BigDecimal.valueOf(60 + random.nextInt(100)), "USD")),
                    policy, now);
        }
        if (dice < 66) {
            GrantKind kind = random.nextBoolean() ? GrantKind.PROMOTIONAL : GrantKind.CONTRACTUAL;
            Instant effective = random.nextInt(4) == 0 ? now.plusSeconds(random.nextInt(60)) : null;
            Instant expires = random.nextInt(20) == 0 ? null : (effective == null ? now : effective).plusSeconds(1 + random.nextInt(120));
            return CreditRules.grant(state, new GrantCredit(ID, "g-" + n, kind, new Money(BigDecimal.valueOf(1 + random.nextInt(500), 2), "USD"),
                    random.nextInt(3) == 0 ? null : random.nextInt(200), effective, expires, null), tiers, policy, now);
        }
        if (dice < 67 && !state.grants().open().isEmpty()) {
            var grant = state.grants().open().get(random.nextInt(state.grants().open().size()));
            return CreditRules.voidGrant(state, new VoidCredit(ID, grant.grantId(), "simulated"), policy, now);
        }
        if (dice < 69) {
            return AccountRules.due(state, policy, now);
        }
        if (dice < 70) {
            // A short commitment (some refused: they may not overlap), now and then with its own price for the tiered model.
            Instant starts = random.nextBoolean() ? now : now.plusSeconds(random.nextInt(30));
            List<dev.inference.ledger.kernel.account.ItemPrice> prices = random.nextInt(4) == 0
                    ? List.of(new dev.inference.ledger.kernel.account.ItemPrice("t", null, new BigDecimal("0.4"), null, new BigDecimal("0.4"), null))
                    : List.of();
            return PriceTermRules.addCommitment(state, new AccountCommand.AddCommitment(ID, "c-" + n,
                    new Money(BigDecimal.valueOf(1 + random.nextInt(2000), 2), "USD"), starts, starts.plusSeconds(5 + random.nextInt(300)),
                    BigDecimal.valueOf(random.nextInt(51)), prices, BigDecimal.valueOf(80 + random.nextInt(60)), false, null), now);
        }
        if (dice < 70 + 1 && random.nextInt(20) == 0) {
            // An override of the tiered model's price, from a moment in the month, or back to the catalog's.
            Instant from = MONTH_BEGAN.plusSeconds(random.nextInt((int) Duration.between(MONTH_BEGAN, now).getSeconds()));
            var price = random.nextBoolean() ? new dev.inference.ledger.kernel.account.ItemPrice("t", null, new BigDecimal("1.5"), null,
                    new BigDecimal("1.5"), null) : new dev.inference.ledger.kernel.account.ItemPrice("t", null, null, null, null, null);
            return PriceTermRules.setOverride(state, new AccountCommand.SetPriceOverride(ID, price, from, null), now);
        }
        if (dice < 71 && !sim.charges.isEmpty()) {
            // Mostly a record not reversed yet; now and then one that was, which the account must refuse.
            Simulation.Charged c = sim.charges.get(random.nextInt(sim.charges.size()));
            List<GrantTerms> terms = c.paidBy().stream().map(d -> sim.termsOf(d.grantId())).toList();
            return CorrectionRules.reverse(state, new ReverseUsage(ID, c.eventId(), "simulated", "staff",
                    new ChargedUsage(c.record(), c.price(), c.paidBy(), terms, null, c.chargedAt())), policy, now);
        }
        var inFlight = state.funding().inFlight();
        if (inFlight != null) {
            PaymentAnswer answer = PaymentAnswer.values()[random.nextInt(PaymentAnswer.values().length)];
            return FundingRules.outcome(state, new RecordRechargeOutcome(ID, inFlight.rechargeId(), inFlight.attempt(), inFlight.unanswered(),
                    answer, answer == PaymentAnswer.SUCCEEDED ? "pay-" + n : null, answer == PaymentAnswer.SUCCEEDED ? null : "simulated"),
                    tiers, policy, now);
        }
        return List.of();
    }

    /** The tiered model: input at 2.00 per 1M tokens, 1.00 from 5M tokens of the month, 0.50 from 20M. */
    private static Charge tiered(long tokens) {
        BigDecimal quantity = BigDecimal.valueOf(tokens);
        Money cost = new Money(quantity.multiply(BigDecimal.valueOf(2)).movePointLeft(6), "USD");
        return new Charge("tokens", "t", "p", 1, List.of(new ChargeLine("input", quantity, BigDecimal.valueOf(2), "1M tokens", cost)), cost,
                List.of(new dev.inference.ledger.kernel.pricing.VolumeTiers.Step(TIER_2, List.of(BigDecimal.ONE)),
                        new dev.inference.ledger.kernel.pricing.VolumeTiers.Step(TIER_3, List.of(new BigDecimal("0.5")))), null);
    }

    private static final BigDecimal TIER_2 = BigDecimal.valueOf(5_000_000);
    private static final BigDecimal TIER_3 = BigDecimal.valueOf(20_000_000);

    /** The account folded event by event, and what the events alone say it must be. */
    private static final class Simulation {
        AccountState state;
        Instant now = NOW;
        long expired;
        long voided;
        int mostOpen;
        final Map<String, AccountEvent.CreditGranted> terms = new HashMap<>();
        final Set<String> reversedIds = new HashSet<>();
        final Set<String> purchased = new HashSet<>();
        final List<Charged> charges = new ArrayList<>();
        long reversals;

        /** A record as charged, and the grants that paid it: what a reversal is given. */
        record Charged(String eventId, ChargedRecord record, AccountEvent.UsageBatchCharged.PriceUsed price,
                       List<dev.inference.ledger.kernel.account.GrantDraw> paidBy, Instant chargedAt) {
        }

        GrantTerms termsOf(String grantId) {
            AccountEvent.CreditGranted granted = terms.get(grantId);
            return granted != null ? new GrantTerms(grantId, granted.kind(), granted.priority(), granted.effectiveAt(), granted.expiresAt())
                    : new GrantTerms(grantId, GrantKind.PURCHASED, CreditRules.DEFAULT_PRIORITY, NOW, null);
        }
        final Set<String> pending = new HashSet<>();
        /** The tiered model's volume this month, and what each commitment consumed, as the events say. */
        BigDecimal volume = BigDecimal.ZERO;
        final Map<String, AccountEvent.CommitmentAdded> commitments = new HashMap<>();
        final Map<String, BigDecimal> consumed = new HashMap<>();
        final Set<String> ended = new HashSet<>();
        long committedRecords;
        long overageRecords;
        long tieredLines;
        BigDecimal balance = BigDecimal.ZERO;
        final Set<String> blocked = new HashSet<>();
        final Set<String> requested = new HashSet<>();
        final Map<String, BigDecimal> spent = new HashMap<>();
        int tier;
        long charged;
        long rechargesRequested;
        long limitsReached;
        long blocks;

        void apply(List<AccountEvent> events) {
            for (AccountEvent event : events) {
                state = state == null ? AccountState.opened((AccountEvent.AccountOpened) event) : state.evolve(event);
                check(event);
            }
            assertThat(state.balance().amount()).as("the balance is the credits less the charges").isEqualByComparingTo(balance);
            assertThat(state.tier()).as("the tier never goes down").isGreaterThanOrEqualTo(tier);
            for (Budget budget : state.budgets().values()) {
                String scope = budget.scope() + "/" + budget.scopeId();
                // A reached cap blocks the scope (authorize refuses it); usage already used is still charged.
                assertThat(budget.blocked()).as(scope + " blocked exactly when its cap is reached").isEqualTo(budget.capReached());
                assertThat(blocked.contains(scope)).as(scope + " blocked by the events as in the state").isEqualTo(budget.blocked());
                assertThat(budget.spent().amount()).as(scope + " spent as its records say")
                        .isEqualByComparingTo(spent.getOrDefault(scope, BigDecimal.ZERO));
            }
            tier = state.tier();
            assertThat(state.terms().volumeOf("t", "p", now)).as("the month's volume as the tiered lines say").isEqualByComparingTo(volume);
            for (var c : state.terms().commitments()) {
                assertThat(c.consumed()).as(c.id() + " consumed as its records say").isEqualByComparingTo(consumed.getOrDefault(c.id(), BigDecimal.ZERO));
                assertThat(c.ended()).as(c.id() + " ended as the events say").isEqualTo(ended.contains(c.id()));
            }
            BigDecimal left = BigDecimal.ZERO;
            mostOpen = Math.max(mostOpen, state.grants().open().size());
            for (Grants.Grant grant : state.grants().open()) {
                if (grant.remaining().signum() < 0) {
                    throw new AssertionError("grant " + grant.grantId() + " is below zero: " + grant.remaining());
                }
                if (grant.started()) {
                    left = left.add(grant.remaining());
                }
            }
            // The balance is what the grants have left, less what is owed beyond them.
            assertThat(left).as("the grants add up to the balance").isEqualByComparingTo(balance.max(BigDecimal.ZERO));
        }

        private void check(AccountEvent event) {
            if (event instanceof TopUpCredited t) {
                balance = balance.add(t.amount().amount());
            } else if (event instanceof RechargeSucceeded r) {
                balance = balance.add(r.amount().amount());
                requested.remove(r.rechargeId());
            } else if (event instanceof RechargeFailed f) {
                requested.remove(f.rechargeId());
            } else if (event instanceof RechargeRequested r) {
                requested.add(r.rechargeId());
                rechargesRequested++;
                assertThat(requested).as("one recharge in flight at most").hasSizeLessThanOrEqualTo(1);
            } else if (event instanceof AccountEvent.CreditGranted g) {
                terms.put(g.grantId(), g);
                if (g.effectiveNow()) {
                    balance = balance.add(g.amount().amount());
                } else {
                    pending.add(g.grantId());
                }
            } else if (event instanceof AccountEvent.CreditStarted g) {
                assertThat(pending.remove(g.grantId())).as("a grant starts once").isTrue();
                balance = balance.add(g.amount().amount());
            } else if (event instanceof AccountEvent.CreditExpired e) {
                assertThat(e.expiredAt()).as("a grant expires at or after its expiry").isAfterOrEqualTo(terms.get(e.grantId()).expiresAt());
                balance = balance.subtract(e.amount().amount());
                expired++;
            } else if (event instanceof AccountEvent.CreditVoided v) {
                assertThat(v.counted()).as("a voided grant counted in the balance unless it was pending").isEqualTo(!pending.remove(v.grantId()));
                if (v.counted()) {
                    balance = balance.subtract(v.amount().amount());
                }
                voided++;
            } else if (event instanceof AccountEvent.UsageReversed r) {
                assertThat(reversedIds.add(r.usageEventId())).as("a record is reversed once: " + r.usageEventId()).isTrue();
                if (r.price().commitmentId() != null) {
                    consumed.merge(r.price().commitmentId(), r.cost().amount().negate(), BigDecimal::add);
                }
                // Reversed in the month it was charged (every charge here is on one day): its tiered quantity leaves the volume.
                for (int i = 0; i < r.price().components().size(); i++) {
                    if (r.price().components().get(i).tier() != null) {
                        volume = volume.subtract(r.record().quantities().get(i)).max(BigDecimal.ZERO);
                    }
                }
                balance = balance.add(r.cost().amount()).subtract(r.expiredOnReturn().amount());
                reversals++;
                for (Budget budget : state.budgets().values()) {
                    if (Budget.covers(budget.scope(), budget.scopeId(), ID, r.record().attribution())) {
                        spent.merge(budget.scope() + "/" + budget.scopeId(), r.cost().amount().negate(), BigDecimal::add);
                    }
                }
                for (var back : r.returned()) {
                    if (back.grantId().startsWith("reversal:")) {
                        purchased.add(back.grantId());
                    }
                }
            } else if (event instanceof AccountEvent.CommitmentAdded c) {
                for (var other : commitments.values()) {
                    if (!ended.contains(other.commitmentId())) {
                        assertThat(c.startsAt().isBefore(other.endsAt()) && other.startsAt().isBefore(c.endsAt()))
                                .as("commitments never overlap").isFalse();
                    }
                }
                commitments.put(c.commitmentId(), c);
            } else if (event instanceof AccountEvent.CommitmentEnded e) {
                assertThat(ended.add(e.commitmentId())).as("a commitment ends once").isTrue();
                assertThat(e.endedAt()).as("at or after its end").isAfterOrEqualTo(commitments.get(e.commitmentId()).endsAt());
                assertThat(e.consumed().amount()).isEqualByComparingTo(consumed.getOrDefault(e.commitmentId(), BigDecimal.ZERO));
            } else if (event instanceof UsageBatchCharged batch) {
                terms(batch);
                var draws = batch.drawsByRecord();
                for (int i = 0; i < batch.records().size(); i++) {
                    ChargedRecord r = batch.records().get(i);
                    if (charges.size() >= 1000) {
                        charges.remove(0);
                    }
                    charges.add(new Charged(r.eventId(), r, batch.prices().get(r.price()), draws.get(i), batch.chargedAt()));
                }
                assertThat(batch.draws().stream().map(d -> d.amount()).reduce(BigDecimal.ZERO, BigDecimal::add))
                        .as("grants never pay more than was charged").isLessThanOrEqualTo(batch.total());
                for (var draw : batch.draws()) {
                    var granted = terms.get(draw.grantId());
                    if (granted != null) {
                        assertThat(granted.effectiveAt()).as("a grant pays only from its effective time").isBeforeOrEqualTo(batch.chargedAt());
                        assertThat(granted.expiresAt() == null || batch.chargedAt().isBefore(granted.expiresAt()))
                                .as("an expired grant is never drawn: " + draw.grantId()).isTrue();
                    }
                }
                charged += batch.records().size();
                balance = balance.subtract(batch.total());
                spend(batch);
            } else if (event instanceof BudgetBlocked b) {
                if (blocked.add(b.scope() + "/" + b.scopeId())) {
                    blocks++; // a cap set below what the scope already spent
                }
            } else if (event instanceof BudgetUnblocked u) {
                blocked.remove(u.scope() + "/" + u.scopeId());
            } else if (event instanceof AccountEvent.AutoRechargeLimitReached) {
                limitsReached++;
            } else if (event instanceof TierPromoted p) {
                assertThat(p.toTier()).as("a promotion goes up").isGreaterThan(p.fromTier());
            }
        }

        /**
         * Each record's terms and tiers against what the events said before it: a commitment prices a record only within its
         * term and while not used up, its overage only once used up; a tiered line lies wholly in its tier.
         */
        private void terms(UsageBatchCharged batch) {
            for (ChargedRecord record : batch.records()) {
                var price = batch.prices().get(record.price());
                String terms = price.terms();
                if (terms != null && !terms.equals(AccountEvent.UsageBatchCharged.PriceUsed.OVERRIDE)) {
                    String id = terms.substring(terms.indexOf(':') + 1);
                    var c = commitments.get(id);
                    assertThat(!batch.chargedAt().isBefore(c.startsAt()) && batch.chargedAt().isBefore(c.endsAt()) && !ended.contains(id))
                            .as("priced by " + id + " only within its term").isTrue();
                    boolean usedUp = consumed.getOrDefault(id, BigDecimal.ZERO).compareTo(c.amount().amount()) >= 0;
                    assertThat(usedUp).as(terms + ": overage only once used up").isEqualTo(price.commitmentId() == null);
                    if (price.commitmentId() != null) {
                        consumed.merge(id, record.cost(), BigDecimal::add);
                        committedRecords++;
                    } else {
                        overageRecords++;
                    }
                }
                for (int i = 0; i < price.components().size(); i++) {
                    Integer tier = price.components().get(i).tier();
                    if (tier == null) {
                        continue;
                    }
                    BigDecimal from = tier == 1 ? BigDecimal.ZERO : tier == 2 ? TIER_2 : TIER_3;
                    BigDecimal to = tier == 1 ? TIER_2 : tier == 2 ? TIER_3 : null;
                    BigDecimal q = record.quantities().get(i);
                    assertThat(volume.compareTo(from) >= 0 && (to == null || volume.add(q).compareTo(to) <= 0))
                            .as("a line of tier " + tier + " lies in it: " + volume + " + " + q).isTrue();
                    volume = volume.add(q);
                    tieredLines++;
                }
            }
        }

        /** What each budgeted scope spent this month, by the records the events carry. */
        private void spend(UsageBatchCharged batch) {
            for (ChargedRecord record : batch.records()) {
                for (Budget budget : state.budgets().values()) {
                    if (Budget.covers(budget.scope(), budget.scopeId(), ID, record.attribution())) {
                        spent.merge(budget.scope() + "/" + budget.scopeId(), record.cost(), BigDecimal::add);
                    }
                }
            }
        }
    }
}
