package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.GATEWAY;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import dev.inference.ledger.kernel.account.AccountId;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.accounts.AccountCommand.AddMember;
import dev.inference.ledger.accounts.AccountCommand.AddProject;
import dev.inference.ledger.accounts.AccountCommand.ApproveHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.ApproveTopUp;
import dev.inference.ledger.accounts.AccountCommand.IssueApiKey;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.accounts.AccountCommand.RejectHeldUsage;
import dev.inference.ledger.accounts.AccountCommand.RejectTopUp;
import dev.inference.ledger.accounts.AccountCommand.SetBudget;
import dev.inference.ledger.accounts.AccountCommand.TopUp;
import dev.inference.ledger.accounts.TopUpOutcome;
import dev.inference.ledger.service.account.balance.AccountBalance;
import dev.inference.ledger.service.account.balance.BalanceProjection;
import dev.inference.ledger.service.account.entries.EntriesExport;
import dev.inference.ledger.service.account.entries.EntriesProjection;
import dev.inference.ledger.service.account.history.AccountHistory;
import dev.inference.ledger.service.account.entries.EntryCursor;
import dev.inference.ledger.service.account.entries.LedgerEntry;
import dev.inference.ledger.service.account.entries.UsageDetails;
import dev.inference.ledger.service.account.organisation.OrganisationProjection;
import dev.inference.ledger.service.account.controls.AccountControlsProjection;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.service.hold.HoldRules;
import dev.inference.ledger.service.hold.HoldStore;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.security.Role;
import dev.inference.ledger.service.security.Caller;

/** Translates the account endpoints of docs/reference/contract.md into commands and queries; decides nothing. */
@RestController
@RequestMapping("/api/v1/accounts")
public class AccountsController {

    static final int MAX_PAGE = 1000;

    private final CommandGateway commands;
    private final AccountRegistry registry;
    private final BalanceProjection balances;
    private final EntriesProjection entries;
    private final IdempotentRequests idempotent;
    private final OrganisationProjection organisation;
    private final AccountHistory history;
    private final EntriesExport export;
    private final AccountControlsProjection controls;
    private final Clock clock;
    private final HoldStore holds;
    private final UsageTiers tiers;

    public AccountsController(CommandGateway commands, AccountRegistry registry, BalanceProjection balances,
                              EntriesProjection entries, IdempotentRequests idempotent, OrganisationProjection organisation,
                              AccountHistory history, EntriesExport export, AccountControlsProjection controls, Clock clock, HoldStore holds, UsageTiers tiers) {
        this.holds = holds;
        this.tiers = tiers;
        this.controls = controls;
        this.clock = clock;
        this.commands = commands;
        this.registry = registry;
        this.balances = balances;
        this.entries = entries;
        this.idempotent = idempotent;
        this.organisation = organisation;
        this.history = history;
        this.export = export;
    }

    record OpenAccountRequest(String accountId, String name, String billingMode, String currency) {
    }

    record OpenedAccount(String accountId, String name, String billingMode, String currency) {
    }

    @Operation(summary = "Open an account")
    @PostMapping
    @Allowed(value = {ADMIN, STAFF}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public ResponseEntity<OpenedAccount> open(@RequestBody OpenAccountRequest request) {
        if (!AccountId.isValid(request.accountId())) {
            throw ApiException.badRequest("invalid-account-id",
                    "accountId must be 1-64 characters of letters, digits, '.', '_', ':' or '-'");
        }
        BillingMode mode;
        try {
            mode = BillingMode.fromWire(request.billingMode() == null ? "prepaid" : request.billingMode());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-billing-mode", e.getMessage());
        }
        String currency = request.currency() == null ? Currencies.USD : request.currency();
        if (registry.exists(request.accountId())) {
            throw accountExists(request.accountId());
        }
        try {
            commands.sendAndWait(new OpenAccount(request.accountId(), request.name(), mode, currency));
        } catch (ConcurrencyException e) {
            throw accountExists(request.accountId());
        }
        return ResponseEntity.created(URI.create("/api/v1/accounts/" + request.accountId()))
                .body(new OpenedAccount(request.accountId(), request.name().strip(), mode.wire(), currency));
    }

    private static ApiException accountExists(String accountId) {
        return new ApiException(409, "account-exists", "Conflict", "account '" + accountId + "' is already open");
    }

    /**
     * {@code held} and {@code available} (what a new hold may take; null when nothing limits it) are shown for
     * the account now, not for a moment in its history.
     */
    record AccountView(String accountId, String name, String billingMode, String balance, String unbilled,
                       String lifetimeSpend, int tier, String status, String currency, long usageRecords, Instant asOf,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String held,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String available) {
        AccountView(AccountBalance b) {
            this(b, null, null);
        }

        AccountView(AccountBalance b, Money held, Money available) {
            this(b.accountId(), b.name(), b.billingMode().wire(), b.balance().toPlainString(), b.unbilled().toPlainString(),
                    b.lifetimeSpend().toPlainString(), b.tier(), b.status(), b.currency(), b.usageRecords(), b.asOf(),
                    held == null ? null : held.toPlainString(), available == null ? null : available.toPlainString());
        }
    }

    static final int MAX_FOUND = 50;

    record Found(List<AccountView> accounts) {
    }

    /** Accounts by id, or by the start of their id or name (any case): at most 50, the exact id first. */
    @Operation(summary = "Find accounts by id or name")
    @GetMapping
    @Allowed(value = {ADMIN, STAFF, AUDITOR}, reach = Allowed.Reach.ALL_ACCOUNTS)
    public Found find(@RequestParam String q) {
        if (q.isBlank()) {
            throw ApiException.badRequest("invalid-parameter", "q is an account id or the start of an id or a name");
        }
        return new Found(balances.search(q.strip(), MAX_FOUND).stream().map(AccountView::new).toList());
    }

    @Operation(summary = "An account's balance, held and available money, tier and limits")
    @GetMapping("/{id}")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY, CUSTOMER})
    public AccountView account(@PathVariable String id, @RequestParam(required = false) String asOf,
                               @RequestParam(required = false) String occurredBefore) {
        if (asOf != null && occurredBefore != null) {
            throw ApiException.badRequest("invalid-parameter", "ask either asOf (recorded time) or occurredBefore (occurrence time), not both");
        }
        if (asOf != null) {
            // From the events, not the projection, which may not show a new account yet.
            return history.asOf(id, instant("asOf", asOf)).map(AccountView::new)
                    .orElseThrow(() -> ApiException.notFound("no account '" + id + "' was open at " + asOf));
        }
        var now = balances.find(id).orElseThrow(() -> ApiException.notFound("no account '" + id + "'"));
        if (occurredBefore != null) {
            return history.occurredBefore(now, instant("occurredBefore", occurredBefore)).map(AccountView::new).orElseThrow();
        }
        Money held = HoldRules.held(holds.open(id), clock.instant(), now.currency());
        return new AccountView(now, held, HoldRules.available(now.billingMode(), now.balance(), now.unbilled(),
                tiers.level(now.tier()).billingLimit(), held));
    }

    /** {@code currency}: optional; when given it must be the account's. */
    record TopUpRequest(String amount, @JsonInclude(JsonInclude.Include.NON_NULL) String currency) {
    }

    record TopUpView(String topUpId, String accountId, String amount, String currency, String status) {
    }

    @Operation(summary = "Top up a prepaid balance")
    @PostMapping("/{id}/top-ups")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<String> topUp(@PathVariable String id, @RequestHeader("Idempotency-Key") String key,
                                        @RequestBody TopUpRequest request) {
        return idempotent.once("top-up:" + id, key, request, () -> {
            var amount = MoneyInput.parse("amount", request.amount(), request.currency(), Currencies.USD);
            TopUpOutcome outcome = commands.sendAndWait(new TopUp(id, key, amount));
            int status = outcome == TopUpOutcome.CREDITED ? 201 : 202;
            return new IdempotentRequests.Answer(status, new TopUpView(key, id, amount.toPlainString(), amount.currency(), outcome.wire()));
        });
    }

    record ProjectRequest(String projectId, String name) {
    }

    record MemberRequest(String memberId, String role) {
    }

    record ApiKeyRequest(String apiKeyId, String projectId, String memberId) {
    }

    @Operation(summary = "Add a project to the account")
    @PostMapping("/{id}/projects")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<ProjectRequest> addProject(@PathVariable String id, @RequestBody ProjectRequest request) {
        commands.sendAndWait(new AddProject(id, request.projectId(), request.name()));
        return ResponseEntity.status(201).body(request);
    }

    @Operation(summary = "Add a member to the account")
    @PostMapping("/{id}/members")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<MemberRequest> addMember(@PathVariable String id, @RequestBody MemberRequest request) {
        commands.sendAndWait(new AddMember(id, request.memberId(), request.role()));
        return ResponseEntity.status(201).body(request);
    }

    @Operation(summary = "Issue an API key on the account")
    @PostMapping("/{id}/api-keys")
    @Allowed({ADMIN, STAFF})
    public ResponseEntity<ApiKeyRequest> issueApiKey(@PathVariable String id, @RequestBody ApiKeyRequest request) {
        commands.sendAndWait(new IssueApiKey(id, request.apiKeyId(), request.projectId(), request.memberId()));
        return ResponseEntity.status(201).body(request);
    }

    @Operation(summary = "The account's projects, members and API keys")
    @GetMapping("/{id}/organisation")
    @Allowed({ADMIN, STAFF, AUDITOR})
    public OrganisationProjection.View organisation(@PathVariable String id) {
        return organisation.find(id);
    }

    record BudgetRequest(String period, String hardCap, List<String> softAlerts,
                         @JsonInclude(JsonInclude.Include.NON_NULL) String currency) {
    }

    record BudgetView(String accountId, String scope, String scopeId, String period, String hardCap, List<String> softAlerts) {
    }

    /**
     * Sets (or replaces) a monthly budget on the account, a project, a member or an API key. A customer, in the portal, caps
     * its API keys only: the account's, projects' and members' budgets are the platform's to set.
     */
    @Operation(summary = "Set a budget on a scope")
    @PutMapping("/{id}/budgets/{scope}/{scopeId}")
    @Allowed({ADMIN, STAFF, CUSTOMER})
    public BudgetView budget(@AuthenticationPrincipal Caller caller, @PathVariable String id, @PathVariable String scope,
                             @PathVariable String scopeId, @RequestBody BudgetRequest request) {
        if (caller.role() == Role.CUSTOMER && !"apiKey".equals(scope)) {
            throw new ApiException(422, "customer-caps-api-keys", "Refused", "a customer caps its API keys; other budgets are the platform's to set");
        }
        var hardCap = MoneyInput.parse("hardCap", request.hardCap(), request.currency(), Currencies.USD);
        List<BigDecimal> alerts = (request.softAlerts() == null ? List.<String>of() : request.softAlerts()).stream()
                .map(AccountsController::fraction).toList();
        String period = request.period() == null ? "month" : request.period();
        commands.sendAndWait(new SetBudget(id, scope, scopeId, period, hardCap, alerts));
        return new BudgetView(id, scope, scopeId, period, hardCap.toPlainString(),
                alerts.stream().map(a -> a.stripTrailingZeros().toPlainString()).toList());
    }

    private static BigDecimal fraction(String value) {
        return WireInput.decimal("a soft alert", value, "invalid-soft-alert", "0.8");
    }

    record ReviewRequest(String reason) {
    }

    record ReviewView(String topUpId, String accountId, String status) {
    }

    /** An admin credits a top-up that was held for review. */
    record Budgets(List<AccountControlsProjection.BudgetView> budgets) {
    }

    /** Each budget as last set, with its scope's spend this month (UTC, by when the usage occurred). */
    @Operation(summary = "The account's budgets: caps, alerts, this month's spend and holds")
    @GetMapping("/{id}/budgets")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public Budgets budgets(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        Instant now = clock.instant();
        List<HoldRules.OpenHold> open = holds.open(id);
        return new Budgets(controls.budgets(id, now).stream()
                .map(b -> b.withHeld(HoldRules.heldOn(b.scope(), b.scopeId(), id, open, now, Currencies.USD).amount())).toList());
    }

    record HeldTopUps(List<AccountControlsProjection.HeldTopUp> topUps) {
    }

    /** Top-ups above the review limit, waiting for an admin to approve or reject them. */
    @Operation(summary = "Top-ups held for review")
    @GetMapping("/{id}/top-ups/held")
    @Allowed({ADMIN, STAFF, AUDITOR})
    public HeldTopUps heldTopUps(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        return new HeldTopUps(controls.heldTopUps(id));
    }


    @Operation(summary = "Approve a held top-up")
    @PostMapping("/{id}/top-ups/{topUpId}/approve")
    @Allowed({ADMIN})
    public ReviewView approve(@PathVariable String id, @PathVariable String topUpId) {
        commands.sendAndWait(new ApproveTopUp(id, topUpId));
        return new ReviewView(topUpId, id, "credited");
    }

    record HeldUsageList(List<AccountControlsProjection.HeldUsage> usage) {
    }

    /** Usage records that cost more than the review ceiling, held instead of charged until an admin decides. */
    @Operation(summary = "Usage records held for review")
    @GetMapping("/{id}/usage/held")
    @Allowed({ADMIN, STAFF, AUDITOR})
    public HeldUsageList heldUsage(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        return new HeldUsageList(controls.heldUsage(id));
    }

    /** {@code eventId}: the held record's, in the body (a publisher's event id may hold any printable character). */
    record UsageReviewRequest(String eventId, String reason) {
    }

    record UsageReviewView(String eventId, String accountId, String status) {
    }

    @Operation(summary = "Approve a held usage record")
    @PostMapping("/{id}/usage/held/approve")
    @Allowed({ADMIN})
    public UsageReviewView approveUsage(@PathVariable String id, @RequestBody UsageReviewRequest request) {
        commands.sendAndWait(new ApproveHeldUsage(id, request.eventId()));
        return new UsageReviewView(request.eventId(), id, "charged");
    }

    @Operation(summary = "Reject a held usage record")
    @PostMapping("/{id}/usage/held/reject")
    @Allowed({ADMIN})
    public UsageReviewView rejectUsage(@PathVariable String id, @RequestBody UsageReviewRequest request) {
        commands.sendAndWait(new RejectHeldUsage(id, request.eventId(), request.reason()));
        return new UsageReviewView(request.eventId(), id, "rejected");
    }

    @Operation(summary = "Reject a held top-up")
    @PostMapping("/{id}/top-ups/{topUpId}/reject")
    @Allowed({ADMIN})
    public ReviewView reject(@PathVariable String id, @PathVariable String topUpId, @RequestBody(required = false) ReviewRequest request) {
        commands.sendAndWait(new RejectTopUp(id, topUpId, request == null ? null : request.reason()));
        return new ReviewView(topUpId, id, "rejected");
    }

    /** The account's entries, oldest first, as a document: {@code format} jsonl (JSON lines) or csv. Streamed. */
    @Operation(summary = "Export the account's ledger entries as CSV")
    @GetMapping("/{id}/entries/export")
    @Allowed({STAFF, AUDITOR, ADMIN})
    public ResponseEntity<StreamingResponseBody> exportEntries(@PathVariable String id, @RequestParam(defaultValue = "jsonl") String format) {
        if (!format.equals("jsonl") && !format.equals("csv")) {
            throw ApiException.badRequest("invalid-parameter", "format is jsonl or csv");
        }
        ApiException.requireAccount(registry, id);
        boolean csv = format.equals("csv");
        return ResponseEntity.ok()
                .contentType(csv ? new MediaType("text", "csv", StandardCharsets.UTF_8) : MediaType.parseMediaType("application/x-ndjson"))
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + id + "-entries." + format + "\"")
                .body(out -> {
                    if (csv) {
                        export.csv(id, out);
                    } else {
                        export.jsonLines(id, out);
                    }
                });
    }

    private static Instant instant(String name, String value) {
        return WireInput.instant(name, value, "invalid-parameter");
    }

    record EntryView(String cursor, long sequence, String type, String reference, String balanceChange, String unbilledChange,
                     String balanceAfter, Instant occurredAt, Instant recordedAt, UsageDetails details) {
        EntryView(LedgerEntry e) {
            this(e.cursor().encode(), e.cursor().sequence(), e.type(), e.reference(), e.balanceChange().toPlainString(),
                    e.unbilledChange().toPlainString(), e.balanceAfter().toPlainString(), e.occurredAt(), e.recordedAt(), e.details());
        }
    }

    record EntriesPage(List<EntryView> entries, String next) {
    }

    /**
     * {@code after}: the {@code next} of the page before, or any entry's {@code cursor}. {@code order=desc}: newest
     * first, each page older than its {@code after} (not with asOf or occurredBefore).
     */
    @Operation(summary = "The account's ledger entries, newest first")
    @GetMapping("/{id}/entries")
    @Allowed({STAFF, AUDITOR, ADMIN, CUSTOMER})
    public EntriesPage entries(@PathVariable String id, @RequestParam(required = false) String after,
                               @RequestParam(defaultValue = "100") int limit, @RequestParam(required = false) String asOf,
                               @RequestParam(required = false) String occurredBefore, @RequestParam(defaultValue = "asc") String order) {
        var cursor = after == null || after.isEmpty() ? Optional.of(EntryCursor.START) : EntryCursor.decode(after);
        if (limit < 1 || limit > MAX_PAGE || cursor.isEmpty()) {
            throw ApiException.badRequest("invalid-parameter", "limit must be 1-" + MAX_PAGE + " and after a cursor from a previous page");
        }
        boolean newestFirst = order.equals("desc");
        if (!newestFirst && !order.equals("asc") || newestFirst && (asOf != null || occurredBefore != null)) {
            throw ApiException.badRequest("invalid-parameter", "order is asc or desc; desc is not combined with asOf or occurredBefore");
        }
        ApiException.requireAccount(registry, id);
        List<LedgerEntry> found = newestFirst ? entries.pageNewestFirst(id, cursor.get() == EntryCursor.START ? null : cursor.get(), limit)
                : entries.page(id, cursor.get(), limit, asOf == null ? null : instant("asOf", asOf),
                        occurredBefore == null ? null : instant("occurredBefore", occurredBefore));
        List<EntryView> page = found.stream().map(EntryView::new).toList();
        String next = page.size() < limit ? null : page.get(page.size() - 1).cursor();
        return new EntriesPage(page, next);
    }
}
