package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.time.Clock;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.accounts.AccountCommand.GrantCredit;
import dev.inference.ledger.accounts.AccountCommand.VoidCredit;
import dev.inference.ledger.kernel.account.AccountEvent.CreditVoided;
import dev.inference.ledger.kernel.account.GrantKind;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.credit.Credits;
import dev.inference.ledger.service.credit.Credits.GrantView;
import dev.inference.ledger.service.security.Allowed;
import io.swagger.v3.oas.annotations.Operation;

/** A prepaid account's credit grants: admins grant and void them; staff and auditors read them. */
@RestController
@RequestMapping("/api/v1/accounts")
public class CreditsController {

    private final CommandGateway commands;
    private final Credits credits;
    private final AccountRegistry registry;
    private final Clock clock;

    public CreditsController(CommandGateway commands, Credits credits, AccountRegistry registry, Clock clock) {
        this.commands = commands;
        this.credits = credits;
        this.registry = registry;
        this.clock = clock;
    }

    record GrantRequest(String grantId, String kind, String amount, @JsonInclude(JsonInclude.Include.NON_NULL) String currency,
                        Integer priority, String effectiveAt, String expiresAt, String reason) {
    }

    record VoidRequest(String reason) {
    }

    /** The grants, open ones first in the order usage draws them, and what usage drew from each kind of grant this month. */
    record GrantsPage(String accountId, List<GrantView> grants, Map<String, java.math.BigDecimal> drawnThisMonth) {
    }

    @Operation(summary = "Grant credit to a prepaid account")
    @PostMapping("/{id}/grants")
    @Allowed({ADMIN})
    public ResponseEntity<GrantView> grant(@PathVariable String id, @RequestBody GrantRequest request) {
        GrantKind kind;
        try {
            kind = GrantKind.fromWire(request.kind());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-grant", e.getMessage());
        }
        var amount = MoneyInput.parse("amount", request.amount(), request.currency(), Currencies.USD);
        Instant effectiveAt = request.effectiveAt() == null ? null : WireInput.instant("effectiveAt", request.effectiveAt(), "invalid-grant");
        Instant expiresAt = request.expiresAt() == null ? null : WireInput.instant("expiresAt", request.expiresAt(), "invalid-grant");
        boolean made = commands.sendAndWait(new GrantCredit(id, request.grantId(), kind, amount, request.priority(), effectiveAt, expiresAt,
                request.reason()));
        return ResponseEntity.status(made ? 201 : 200).body(credits.live(id, request.grantId(), request.reason()));
    }

    @Operation(summary = "The account's credit grants, with what each has left")
    @GetMapping("/{id}/grants")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public GrantsPage grants(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        Instant now = clock.instant();
        Instant monthBegan = YearMonth.from(now.atOffset(ZoneOffset.UTC)).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return new GrantsPage(id, credits.of(id), credits.drawnByKind(id, monthBegan, now.plusSeconds(1)));
    }

    @Operation(summary = "Void a grant nothing was drawn from")
    @PostMapping("/{id}/grants/{grantId}/void")
    @Allowed({ADMIN})
    public GrantView voidGrant(@PathVariable String id, @PathVariable String grantId,
                               @RequestBody(required = false) VoidRequest request) {
        CreditVoided voided = commands.sendAndWait(new VoidCredit(id, grantId, request == null ? null : request.reason()));
        return Credits.voided(voided);
    }
}
