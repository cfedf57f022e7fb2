package dev.inference.ledger.audit;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.inference.ledger.accounts.PriceTermRules;
import dev.inference.ledger.kernel.account.AccountEvent;
import dev.inference.ledger.kernel.account.AccountEvent.PaymentMethodAttached;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceDefaulted;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceWrittenOff;
import dev.inference.ledger.kernel.account.AccountEvent.UsageHeldForReview;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageApproved;
import dev.inference.ledger.kernel.account.AccountEvent.HeldUsageRejected;
import dev.inference.ledger.kernel.account.AccountEvent.UsageRefused;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpHeld;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpRejected;
import dev.inference.ledger.kernel.account.AccountEvent.TierPromoted;
import dev.inference.ledger.kernel.account.AccountEvent.BillingLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.AccountSuspended;
import dev.inference.ledger.kernel.account.AccountEvent.AccountReinstated;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetSet;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetAlertRaised;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetBlocked;
import dev.inference.ledger.kernel.account.AccountEvent.BudgetUnblocked;
import dev.inference.ledger.kernel.account.AccountEvent.ProjectAdded;
import dev.inference.ledger.kernel.account.AccountEvent.MemberAdded;
import dev.inference.ledger.kernel.account.AccountEvent.ApiKeyIssued;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeConfigured;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceLow;
import dev.inference.ledger.kernel.account.AccountEvent.BalanceExhausted;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.kernel.account.AccountEvent.AutoRechargeLimitReached;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeAttemptFailed;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeOutcomeUnknown;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeFailed;
import dev.inference.ledger.kernel.event.EventTypes;
import dev.inference.ledger.kernel.account.AccountEvent.AccountOpened;
import dev.inference.ledger.kernel.account.AccountEvent.InvoiceSettled;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeSucceeded;
import dev.inference.ledger.kernel.account.AccountEvent.TopUpCredited;
import dev.inference.ledger.kernel.account.AccountEvent.CreditExpired;
import dev.inference.ledger.kernel.account.AccountEvent.CreditGranted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditStarted;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.AccountEvent.UsageReversed;
import dev.inference.ledger.kernel.account.GrantDraw;
import dev.inference.ledger.kernel.account.AccountEvent.UnbilledClosed;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.invoice.InvoiceEvent;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceIssued;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoiceLine;
import dev.inference.ledger.kernel.invoice.InvoiceEvent.InvoicePaid;
import dev.inference.ledger.accounts.UsageChargedUpcaster;
import dev.inference.ledger.audit.AuditVerifier.Difference;

/**
 * Replays the whole event store in global order, from its stored bytes (old shapes through the same
 * upcasting), into fresh figures of its own, and proves them: every account's balance and unbilled
 * usage are the sum of its money events exactly, as each event says; every usage eventId is charged to
 * its account once; every payment (top-up, recharge, invoice) is credited once; every invoice's exact
 * charges are what its account closed onto it, its lines add up, and its rounding balances; and the live
 * projections show what the replay found. Reads each event once, holds per account only its figures and
 * the usage ids it has seen.
 */
public final class LedgerReplay {

    public record Progress(long events, long totalEvents, long records, double seconds) {
    }

    public record Report(long events, long usageRecords, int accounts, int invoices, double seconds, List<Difference> differences,
                         boolean truncated) {
        public boolean clean() {
            return differences.isEmpty();
        }
    }

    private static final class Account {
        final BillingMode mode;
        BigDecimal balance = BigDecimal.ZERO;
        BigDecimal unbilled = BigDecimal.ZERO;
        /** Each record charged, and its cost: a reversal gives back exactly that, once. */
        final Map<String, BigDecimal> usageIds = new HashMap<>();
        final Set<String> reversed = new HashSet<>();
        final Set<String> credits = new HashSet<>();
        final Map<String, BigDecimal> closed = new HashMap<>();
        /** What each counted grant has left, and the grants still waiting for their effective time. */
        final Map<String, BigDecimal> grants = new java.util.LinkedHashMap<>();
        final Map<String, BigDecimal> pending = new HashMap<>();
        /** False once a batch charged before grants were kept is met: its draws are not in the log to check. */
        boolean grantsKnown = true;
        final Map<String, BigDecimal> grantAmounts = new HashMap<>();
        /** Each commitment's terms, and what records priced by it consumed. */
        final Map<String, AccountEvent.CommitmentAdded> commitments = new HashMap<>();
        final Map<String, BigDecimal> consumed = new HashMap<>();
        final Set<String> ended = new HashSet<>();

        Account(BillingMode mode) {
            this.mode = mode;
        }
    }

    private static final int FETCH = 2_000;

    private final DataSource dataSource;
    private final int maxDifferences;
    private final Consumer<Progress> progress;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Map<String, Account> accounts = new HashMap<>();
    private final Set<String> invoicesPaid = new HashSet<>();
    /** Each invoice's total and what its credit notes took off it; the credit each reversed invoiced record asked for. */
    private final Map<String, BigDecimal> invoiceTotals = new HashMap<>();
    private final Map<String, BigDecimal> invoiceCredited = new HashMap<>();
    private final Map<String, BigDecimal> creditsAsked = new HashMap<>();
    private final Map<String, BigDecimal> creditNotes = new HashMap<>();
    private final Set<String> refunded = new HashSet<>();
    private final Set<String> overpaidInvoices = new HashSet<>();
    private final List<Difference> differences = new ArrayList<>();
    private int invoices;
    private long records;
    private long events;

    public LedgerReplay(DataSource dataSource, int maxDifferences, Consumer<Progress> progress) {
        this.dataSource = dataSource;
        this.maxDifferences = maxDifferences;
        this.progress = progress;
    }

    /** Replays the database's event store in global order, then compares the live projections with the replay. */
    public Report run() {
        long started = System.nanoTime();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            long total = count(c, "SELECT count(*) FROM domainevententry");
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT eventidentifier, payloadtype, payload FROM domainevententry ORDER BY globalindex")) {
                s.setFetchSize(FETCH);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next() && differences.size() <= maxDifferences) {
                        accept(rs.getString(1), rs.getString(2), rs.getBytes(3), total, started);
                    }
                }
            }
            compareWithProjections(c);
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event store: " + e.getMessage(), e);
        }
        return report(started);
    }

    /** One stored event, in the order of the store (or of an exported log): its id, stored type and stored bytes. */
    public void accept(String eventId, String payloadType, byte[] payload, long totalEvents, long started) {
        Class<?> type = EventTypes.named(payloadType).map(EventTypes.EventType::type).orElse(null);
        Object event = type == UsageBatchCharged.class ? digest(payload) : read(payloadType, type, payload);
        if (event instanceof UsageBatchDigest usage) {
            apply(usage, eventId);
        }
        if (event instanceof AccountEvent a) {
            apply(a, eventId);
        } else if (event instanceof InvoiceEvent i) {
            apply(i, eventId);
        }
        if (++events % 10_000 == 0) {
            progress.accept(new Progress(events, totalEvents, records, (System.nanoTime() - started) / 1e9));
        }
    }

    /** What the replay found, once every event was accepted. */
    public Report report(long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.accept(new Progress(events, events, records, seconds));
        boolean truncated = differences.size() > maxDifferences;
        return new Report(events, records, accounts.size(), invoices, seconds,
                truncated ? differences.subList(0, maxDifferences) : differences, truncated);
    }

    private Object digest(byte[] payload) {
        try {
            return UsageBatchDigest.read(payload);
        } catch (IOException e) {
            differences.add(new Difference("event-unreadable", null, null, UsageBatchCharged.class.getSimpleName() + ": " + e.getMessage()));
            return null;
        }
    }

    private void apply(UsageBatchDigest u, String eventId) {
        Account account = accounts.get(u.accountId());
        if (account == null) {
            differences.add(new Difference("account-never-opened", null, eventId, u.accountId()));
            return;
        }
        for (int i = 0; i < u.eventIds().size(); i++) {
            String usageId = u.eventIds().get(i);
            if (account.usageIds.put(usageId, u.costs().get(i)) != null) {
                differences.add(new Difference("usage-charged-twice", null, eventId, u.accountId() + ": usage " + usageId));
            }
        }
        records += u.eventIds().size();
        u.committed().forEach((id, amount) -> account.consumed.merge(id, amount, BigDecimal::add));
        if (account.mode == BillingMode.PREPAID) {
            account.balance = account.balance.subtract(u.total());
        } else {
            account.unbilled = account.unbilled.add(u.total());
        }
        expect("balance", account.balance, u.balanceAfter(), eventId, u.accountId());
        expect("unbilled", account.unbilled, u.unbilledAfter(), eventId, u.accountId());
        if (account.mode == BillingMode.PREPAID) {
            drawn(account, u, eventId);
        }
    }

    /** Each draw within what its grant had left, no more drawn than charged, and the grants still adding up to the balance. */
    private void drawn(Account account, UsageBatchDigest u, String eventId) {
        if (u.draws().isEmpty() && u.total().signum() > 0 && account.grants.values().stream().anyMatch(left -> left.signum() > 0)) {
            account.grantsKnown = false; // charged before grants were kept
        }
        BigDecimal drawn = BigDecimal.ZERO;
        for (GrantDraw draw : u.draws()) {
            BigDecimal left = account.grants.get(draw.grantId());
            if (left == null || draw.amount().signum() <= 0 || left.compareTo(draw.amount()) < 0) {
                differences.add(new Difference("grant-overdrawn", null, eventId, u.accountId() + ": " + draw.grantId() + " paid "
                        + draw.amount().toPlainString() + " with " + (left == null ? "no open grant" : left.toPlainString() + " left")));
                continue;
            }
            account.grants.put(draw.grantId(), left.subtract(draw.amount()));
            drawn = drawn.add(draw.amount());
        }
        if (drawn.compareTo(u.total()) > 0) {
            differences.add(new Difference("draws-exceed-charge", null, eventId, u.accountId() + ": grants paid " + drawn.toPlainString()
                    + " of a charge of " + u.total().toPlainString()));
        }
        grantsAddUp(account, eventId, u.accountId());
    }

    /** A prepaid balance is what its counted grants have left, less what is owed beyond them (a balance below zero). */
    private void grantsAddUp(Account account, String eventId, String accountId) {
        if (!account.grantsKnown) {
            return;
        }
        BigDecimal left = account.grants.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal expected = account.balance.signum() > 0 ? account.balance : BigDecimal.ZERO;
        if (left.compareTo(expected) != 0) {
            differences.add(new Difference("grants-differ-from-balance", null, eventId, accountId + ": the grants have "
                    + left.toPlainString() + " left, the balance is " + account.balance.toPlainString()));
        }
    }

    /** Credit in: it pays what is owed first, and its grant starts with the rest. */
    private static void granted(Account account, String grantId, BigDecimal amount) {
        BigDecimal owed = account.balance.signum() < 0 ? account.balance.negate() : BigDecimal.ZERO;
        account.grants.put(grantId, amount.subtract(owed.min(amount)));
    }

    private Object read(String storedType, Class<?> type, byte[] payload) {
        try {
            if (storedType.equals(UsageChargedUpcaster.OLD.getName())) {
                return json.treeToValue(UsageChargedUpcaster.batchOfOne(json.readTree(payload)), UsageBatchCharged.class);
            }
            if (type == null) {
                differences.add(new Difference("event-unknown", null, null, storedType + " is not an event type of the ledger"));
                return null;
            }
            if (!AccountEvent.class.isAssignableFrom(type) && !InvoiceEvent.class.isAssignableFrom(type)) {
                return null; // holds and price catalogs: no account's money
            }
            return json.readValue(payload, type);
        } catch (IOException e) {
            differences.add(new Difference("event-unreadable", null, null, storedType + ": " + e.getMessage()));
            return null;
        }
    }

    private void apply(AccountEvent event, String eventId) {
        if (event instanceof AccountOpened opened) {
            accounts.put(opened.accountId(), new Account(opened.billingMode()));
            return;
        }
        Account account = accounts.get(event.accountId());
        if (account == null) {
            differences.add(new Difference("account-never-opened", null, eventId, event.accountId()));
            return;
        }
        event.fold(new MoneyOf(account, eventId));
    }

    /**
     * What each account event does to the money the replay follows: a fold, so an event added to the account is a
     * compile error here until the auditor's replay says whether it moves money.
     */
    private final class MoneyOf implements AccountEvent.Fold<Void> {
        private final Account account;
        private final String eventId;

        MoneyOf(Account account, String eventId) {
            this.account = account;
            this.eventId = eventId;
        }

        @Override
        public Void on(TopUpCredited t) {
            credit(account, "top-up " + t.topUpId(), t.grantId(), t.amount().amount(), t.balanceAfter().amount(), eventId, t.accountId());
            return null;
        }

        @Override
        public Void on(RechargeSucceeded r) {
            credit(account, "recharge " + r.rechargeId(), r.grantId(), r.amount().amount(), r.balanceAfter().amount(), eventId,
                    r.accountId());
            return null;
        }

        @Override
        public Void on(UsageBatchCharged u) {
            apply(UsageBatchDigest.of(u), eventId); // an old shape, upcast
            return null;
        }

        @Override
        public Void on(UnbilledClosed closed) {
            BigDecimal lines = closed.lines().stream().map(AccountEvent.UnbilledLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
            expect("closed total", lines, closed.total(), eventId, closed.accountId());
            account.unbilled = account.unbilled.subtract(closed.total());
            expect("unbilled", account.unbilled, closed.unbilledAfter(), eventId, closed.accountId());
            account.closed.put(closed.invoiceId(), closed.total());
            return null;
        }

        @Override
        public Void on(InvoiceSettled settled) {
            if (!account.credits.add("invoice " + settled.invoiceId())) {
                differences.add(new Difference("payment-credited-twice", null, eventId, settled.accountId() + ": invoice " + settled.number()));
            }
            return null;
        }

        /** Opened before the fold is asked (the account is made from it). */
        @Override
        public Void on(AccountOpened event) {
            return null;
        }

        // Moving no money the replay follows: settings, organisation, warnings, reviews, budgets and the lives of
        // recharges and invoices before their money moves.
        @Override
        public Void on(PaymentMethodAttached event) {
            return null;
        }

        @Override
        public Void on(InvoiceDefaulted event) {
            return null;
        }

        @Override
        public Void on(InvoiceWrittenOff event) {
            return null;
        }

        @Override
        public Void on(UsageHeldForReview event) {
            return null;
        }

        @Override
        public Void on(HeldUsageApproved event) {
            return null;
        }

        @Override
        public Void on(HeldUsageRejected event) {
            return null;
        }

        @Override
        public Void on(UsageRefused event) {
            return null;
        }

        @Override
        public Void on(TopUpHeld event) {
            return null;
        }

        @Override
        public Void on(TopUpRejected event) {
            return null;
        }

        @Override
        public Void on(TierPromoted event) {
            return null;
        }

        @Override
        public Void on(BillingLimitReached event) {
            return null;
        }

        @Override
        public Void on(AccountSuspended event) {
            return null;
        }

        @Override
        public Void on(AccountReinstated event) {
            return null;
        }

        @Override
        public Void on(BudgetSet event) {
            return null;
        }

        @Override
        public Void on(BudgetAlertRaised event) {
            return null;
        }

        @Override
        public Void on(BudgetBlocked event) {
            return null;
        }

        @Override
        public Void on(BudgetUnblocked event) {
            return null;
        }

        @Override
        public Void on(ProjectAdded event) {
            return null;
        }

        @Override
        public Void on(MemberAdded event) {
            return null;
        }

        @Override
        public Void on(ApiKeyIssued event) {
            return null;
        }

        @Override
        public Void on(AutoRechargeConfigured event) {
            return null;
        }

        @Override
        public Void on(BalanceLow event) {
            return null;
        }

        @Override
        public Void on(BalanceExhausted event) {
            return null;
        }

        @Override
        public Void on(RechargeRequested event) {
            return null;
        }

        @Override
        public Void on(AutoRechargeLimitReached event) {
            return null;
        }

        @Override
        public Void on(RechargeAttemptFailed event) {
            return null;
        }

        @Override
        public Void on(RechargeOutcomeUnknown event) {
            return null;
        }

        @Override
        public Void on(RechargeFailed event) {
            return null;
        }

        @Override
        public Void on(CreditGranted g) {
            account.grantAmounts.put(g.grantId(), g.amount().amount());
            if (g.effectiveNow()) {
                credit(account, "grant " + g.grantId(), g.grantId(), g.amount().amount(), g.balanceAfter().amount(), eventId, g.accountId());
            } else {
                if (!account.credits.add("grant " + g.grantId())) {
                    differences.add(new Difference("payment-credited-twice", null, eventId, g.accountId() + ": grant " + g.grantId()));
                }
                account.pending.put(g.grantId(), g.amount().amount());
                expect("balance", account.balance, g.balanceAfter().amount(), eventId, g.accountId());
            }
            return null;
        }

        @Override
        public Void on(UsageReversed r) {
            BigDecimal charged = account.usageIds.get(r.usageEventId());
            if (charged == null || charged.compareTo(r.cost().amount()) != 0) {
                differences.add(new Difference("reversal-not-what-was-charged", null, eventId, r.accountId() + ": " + r.usageEventId()
                        + " reversed for " + r.cost().amount().toPlainString() + ", charged " + (charged == null ? "never" : charged.toPlainString())));
            }
            String commitment = r.price() == null ? null : r.price().commitmentId();
            // After its commitment ended with a true-up, what the record no longer consumes is trued up: exactly that.
            BigDecimal trueUpExpected = BigDecimal.ZERO;
            if (commitment != null) {
                AccountEvent.CommitmentAdded terms = account.commitments.get(commitment);
                BigDecimal consumed = account.consumed.getOrDefault(commitment, BigDecimal.ZERO);
                if (terms != null && terms.trueUp() && account.ended.contains(commitment)) {
                    BigDecimal amount = terms.amount().amount();
                    trueUpExpected = amount.subtract(consumed.subtract(r.cost().amount())).max(BigDecimal.ZERO)
                            .subtract(amount.subtract(consumed).max(BigDecimal.ZERO));
                }
                account.consumed.merge(commitment, r.cost().amount().negate(), BigDecimal::add);
            }
            if (!account.reversed.add(r.usageEventId())) {
                differences.add(new Difference("usage-reversed-twice", null, eventId, r.accountId() + ": " + r.usageEventId()));
            }
            if (account.mode == BillingMode.PREPAID) {
                BigDecimal back = r.expiredOnReturn().amount();
                for (var returned : r.returned()) {
                    account.grants.merge(returned.grantId(), returned.amount(), BigDecimal::add);
                    back = back.add(returned.amount());
                }
                BigDecimal owed = account.balance.signum() < 0 ? account.balance.negate() : BigDecimal.ZERO;
                // What is owed is paid first; the rest goes back to grants or expires on its way: no cent made up, none lost.
                expect("reversal returned", back.add(owed.min(r.cost().amount().subtract(r.expiredOnReturn().amount()))), r.cost().amount(), eventId, r.accountId() + ": " + r.usageEventId());
                account.balance = account.balance.add(r.cost().amount()).subtract(r.expiredOnReturn().amount());
                expect("balance", account.balance, r.balanceAfter().amount(), eventId, r.accountId());
                grantsAddUp(account, eventId, r.accountId());
            } else {
                BigDecimal lines = r.creditLines().stream().map(l -> l.amount()).reduce(BigDecimal.ZERO, BigDecimal::add);
                BigDecimal trueUps = r.creditLines().stream().filter(l -> PriceTermRules.TRUE_UP_KIND.equals(l.kind())).map(l -> l.amount())
                        .reduce(BigDecimal.ZERO, BigDecimal::add);
                expect("true-up after reversal", trueUps, trueUpExpected, eventId, r.accountId() + ": " + r.usageEventId());
                // An invoiced record: its invoice's credit note gives back what the lines of the next invoice do not.
                BigDecimal noted = r.invoiceCredit() == null ? BigDecimal.ZERO : r.invoiceCredit().amount().amount();
                if (r.invoiceCredit() != null) {
                    creditsAsked.put(r.accountId() + '|' + r.usageEventId(), noted);
                }
                expect("reversal credit lines", lines.subtract(trueUps).negate().add(noted), r.cost().amount(), eventId,
                        r.accountId() + ": " + r.usageEventId());
                account.unbilled = account.unbilled.add(lines);
                expect("unbilled", account.unbilled, r.unbilledAfter().amount(), eventId, r.accountId());
            }
            return null;
        }

        @Override
        public Void on(CreditStarted s) {
            BigDecimal pending = account.pending.remove(s.grantId());
            if (pending == null) {
                differences.add(new Difference("grant-not-open", null, eventId, s.accountId() + ": " + s.grantId() + " started twice or never granted"));
                return null;
            }
            expect("grant started", pending, s.amount().amount(), eventId, s.accountId() + ": " + s.grantId());
            granted(account, s.grantId(), s.amount().amount());
            account.balance = account.balance.add(s.amount().amount());
            expect("balance", account.balance, s.balanceAfter().amount(), eventId, s.accountId());
            grantsAddUp(account, eventId, s.accountId());
            return null;
        }

        @Override
        public Void on(CreditExpired e) {
            ended(account, e.grantId(), e.amount().amount(), e.balanceAfter().amount(), false, eventId, e.accountId());
            return null;
        }

        @Override
        public Void on(CreditVoided v) {
            ended(account, v.grantId(), v.amount().amount(), v.balanceAfter().amount(), true, eventId, v.accountId());
            return null;
        }

        @Override
        public Void on(AccountEvent.InvoiceCreditCarried carried) {
            if (!account.credits.add("credit note " + carried.creditNoteNumber())) {
                differences.add(new Difference("credit-carried-twice", null, eventId, carried.accountId() + ": " + carried.creditNoteNumber()));
            }
            expect("credit carried", carried.line().amount().negate(), carried.amount().amount(), eventId, carried.accountId());
            account.unbilled = account.unbilled.add(carried.line().amount());
            expect("unbilled", account.unbilled, carried.unbilledAfter().amount(), eventId, carried.accountId());
            return null;
        }

        @Override
        public Void on(AccountEvent.PriceOverrideSet set) {
            return null; // a price, not money: the charges it priced carry their prices
        }

        @Override
        public Void on(AccountEvent.CommitmentAdded added) {
            account.commitments.put(added.commitmentId(), added);
            return null;
        }

        /** The term's end: what its records consumed, and a true-up of exactly the rest when the contract has one. */
        @Override
        public Void on(AccountEvent.CommitmentEnded ended) {
            String subject = ended.accountId() + ": commitment " + ended.commitmentId();
            AccountEvent.CommitmentAdded terms = account.commitments.get(ended.commitmentId());
            if (terms == null) {
                differences.add(new Difference("commitment-never-made", null, eventId, subject));
                return null;
            }
            BigDecimal consumed = account.consumed.getOrDefault(ended.commitmentId(), BigDecimal.ZERO);
            expect("commitment consumed", consumed, ended.consumed().amount(), eventId, subject);
            BigDecimal trueUp = terms.trueUp() ? terms.amount().amount().subtract(consumed).max(BigDecimal.ZERO) : BigDecimal.ZERO;
            expect("true-up", trueUp, ended.trueUp().amount(), eventId, subject);
            account.ended.add(ended.commitmentId());
            account.unbilled = account.unbilled.add(ended.trueUp().amount());
            expect("unbilled", account.unbilled, ended.unbilledAfter().amount(), eventId, ended.accountId());
            return null;
        }
    }

    private void credit(Account account, String what, String grantId, BigDecimal amount, BigDecimal balanceAfter, String eventId,
                        String accountId) {
        if (!account.credits.add(what)) {
            differences.add(new Difference("payment-credited-twice", null, eventId, accountId + ": " + what));
        }
        granted(account, grantId, amount);
        account.balance = account.balance.add(amount);
        expect("balance", account.balance, balanceAfter, eventId, accountId);
        grantsAddUp(account, eventId, accountId);
    }

    /** A grant leaves with what it had left: an expiry takes exactly that; a void, a grant nothing was drawn from. */
    private void ended(Account account, String grantId, BigDecimal amount, BigDecimal balanceAfter, boolean mustBeUnused, String eventId,
                       String accountId) {
        BigDecimal pending = account.pending.remove(grantId);
        BigDecimal left = account.grants.remove(grantId);
        if (pending != null) {
            expect("grant ended", pending, amount, eventId, accountId + ": " + grantId);
        } else if (left == null) {
            differences.add(new Difference("grant-not-open", null, eventId, accountId + ": " + grantId));
        } else {
            expect("grant ended", left, amount, eventId, accountId + ": " + grantId);
            account.balance = account.balance.subtract(amount);
        }
        if (mustBeUnused && account.grantsKnown && left != null && left.compareTo(account.grantAmounts.getOrDefault(grantId, left)) != 0) {
            differences.add(new Difference("grant-voided-after-use", null, eventId, accountId + ": " + grantId));
        }
        expect("balance", account.balance, balanceAfter, eventId, accountId);
        grantsAddUp(account, eventId, accountId);
    }

    private void apply(InvoiceEvent event, String eventId) {
        if (event instanceof InvoiceIssued issued) {
            invoices++;
            Account account = accounts.get(issued.accountId());
            BigDecimal closed = account == null ? null : account.closed.get(issued.invoiceId());
            if (closed == null || closed.compareTo(issued.exactCharges()) != 0) {
                differences.add(new Difference("invoice-not-what-was-closed", null, eventId, issued.number() + ": exact charges "
                        + issued.exactCharges().toPlainString() + ", closed by the account " + (closed == null ? "nothing" : closed.toPlainString())));
            }
            BigDecimal lines = BigDecimal.ZERO;
            BigDecimal exact = BigDecimal.ZERO;
            for (InvoiceLine line : issued.lines()) {
                lines = lines.add(line.amount());
                if (line.quantity() != null) {
                    exact = exact.add(line.exactAmount());
                }
            }
            expect("invoice lines", lines, issued.total(), eventId, issued.number());
            expect("invoice exact lines", exact, issued.exactCharges(), eventId, issued.number());
            expect("invoice rounding", issued.exactCharges().add(issued.carriedIn()), issued.total().add(issued.carriedOut()), eventId,
                    issued.number());
            invoiceTotals.put(issued.invoiceId(), issued.total());
        } else if (event instanceof InvoicePaid paid && !invoicesPaid.add(paid.invoiceId())) {
            differences.add(new Difference("invoice-paid-twice", null, eventId, paid.number()));
        } else if (event instanceof InvoiceEvent.InvoiceCredited credited) {
            credited(credited, eventId);
        } else if (event instanceof InvoiceEvent.InvoiceVoided voided) {
            // A void is a credit note of what was left: with the others, never more than the invoice.
            BigDecimal total = invoiceCredited.merge(voided.invoiceId(), voided.amount().amount(), BigDecimal::add);
            BigDecimal invoiced = invoiceTotals.get(voided.invoiceId());
            if (invoiced == null || total.compareTo(invoiced) > 0) {
                differences.add(new Difference("credit-exceeds-invoice", null, eventId, voided.number() + ": voided, credited "
                        + total.toPlainString()));
            }
        } else if (event instanceof InvoiceEvent.InvoiceOverpaid overpaid && !overpaidInvoices.add(overpaid.invoiceId())) {
            differences.add(new Difference("overpaid-twice", null, eventId, overpaid.number()));
        } else if (event instanceof InvoiceEvent.InvoiceRefunded refund) {
            BigDecimal noted = creditNotes.get(refund.creditNoteNumber());
            if (!refunded.add(refund.creditNoteNumber())) {
                differences.add(new Difference("refunded-twice", null, eventId, refund.number() + ": " + refund.creditNoteNumber()));
            } else if (noted == null || noted.compareTo(refund.amount().amount()) != 0) {
                differences.add(new Difference("refund-not-its-credit-note", null, eventId, refund.creditNoteNumber() + ": refunded "
                        + refund.amount().amount().toPlainString() + ", credited " + (noted == null ? "nothing" : noted.toPlainString())));
            }
        }
    }

    /** A credit note: once, never more than its invoice, and for a reversed record no more than the reversal asked. */
    private void credited(InvoiceEvent.InvoiceCredited c, String eventId) {
        String subject = c.number() + ": " + c.creditNoteNumber();
        if (creditNotes.put(c.creditNoteNumber(), c.amount().amount()) != null) {
            differences.add(new Difference("credit-note-twice", null, eventId, subject));
        }
        BigDecimal total = invoiceCredited.merge(c.invoiceId(), c.amount().amount(), BigDecimal::add);
        expect("credited total", total, c.creditedTotal().amount(), eventId, subject);
        BigDecimal invoiced = invoiceTotals.get(c.invoiceId());
        if (invoiced == null || total.compareTo(invoiced) > 0) {
            differences.add(new Difference("credit-exceeds-invoice", null, eventId, subject + ": credited " + total.toPlainString()
                    + " of " + (invoiced == null ? "no invoice" : invoiced.toPlainString())));
        }
        if (c.usageEventId() != null) {
            BigDecimal asked = creditsAsked.get(c.accountId() + '|' + c.usageEventId());
            if (asked == null || c.amount().amount().compareTo(asked) > 0) {
                differences.add(new Difference("credit-not-what-the-reversal-asked", null, eventId, subject + " for " + c.usageEventId()));
            }
        }
    }

    private void expect(String what, BigDecimal replayed, BigDecimal recorded, String eventId, String subject) {
        if (replayed.compareTo(recorded) != 0) {
            differences.add(new Difference(what.replace(' ', '-') + "-differs", null, eventId, subject + ": the events add up to "
                    + replayed.toPlainString() + ", the event says " + recorded.toPlainString()));
        }
    }

    private void compareWithProjections(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT account_id, balance, unbilled FROM account_balances");
             ResultSet rs = s.executeQuery()) {
            Set<String> projected = new HashSet<>();
            while (rs.next()) {
                String id = rs.getString(1);
                projected.add(id);
                Account account = accounts.get(id);
                if (account == null) {
                    differences.add(new Difference("projection-of-no-account", null, null, id));
                } else if (account.balance.compareTo(rs.getBigDecimal(2)) != 0 || account.unbilled.compareTo(rs.getBigDecimal(3)) != 0) {
                    differences.add(new Difference("projection-differs", null, null, id + ": the live view shows balance "
                            + rs.getBigDecimal(2).toPlainString() + ", unbilled " + rs.getBigDecimal(3).toPlainString() + "; the replay "
                            + account.balance.toPlainString() + ", " + account.unbilled.toPlainString()));
                }
            }
            accounts.keySet().stream().filter(id -> !projected.contains(id)).limit(maxDifferences)
                    .forEach(id -> differences.add(new Difference("projection-missing", null, null, id)));
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
