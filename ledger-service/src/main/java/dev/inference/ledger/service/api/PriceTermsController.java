package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.accounts.AccountCommand.AddCommitment;
import dev.inference.ledger.accounts.AccountCommand.SetPriceOverride;
import dev.inference.ledger.accounts.PriceTermRules;
import dev.inference.ledger.kernel.account.ItemPrice;
import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.security.Allowed;
import dev.inference.ledger.service.terms.AccountTerms;
import dev.inference.ledger.service.terms.AccountTerms.CommitmentView;
import dev.inference.ledger.service.terms.AccountTerms.OverrideView;
import io.swagger.v3.oas.annotations.Operation;

/** An account's own prices (overrides of the catalog's) and its commitments: admins set them; staff and auditors read them. */
@RestController
@RequestMapping("/api/v1/accounts")
public class PriceTermsController {

    private final CommandGateway commands;
    private final AccountTerms terms;
    private final AccountRegistry registry;
    private final Clock clock;

    public PriceTermsController(CommandGateway commands, AccountTerms terms, AccountRegistry registry, Clock clock) {
        this.commands = commands;
        this.terms = terms;
        this.registry = registry;
        this.clock = clock;
    }

    /** A price for an item: token prices per 1M, or one {@code price} per the item's unit; none at all for the catalog's again. */
    record PriceInput(String item, String provider, String input, String cachedInput, String output, String price) {
        ItemPrice parsed(String code) {
            return new ItemPrice(item == null ? "" : item, provider, amount("input", input, code), amount("cachedInput", cachedInput, code),
                    amount("output", output, code), amount("price", price, code));
        }

        private static BigDecimal amount(String field, String value, String code) {
            return value == null ? null : WireInput.decimal(field, value, code, "0.50");
        }
    }

    record OverrideRequest(String item, String provider, String input, String cachedInput, String output, String price,
                           String effectiveFrom, String reason) {
    }

    record CommitmentRequest(String commitmentId, String amount, @JsonInclude(JsonInclude.Include.NON_NULL) String currency,
                             String startsAt, String endsAt, String discountPercent, String overagePercent, List<PriceInput> prices,
                             Boolean trueUp, String reason) {
    }

    record OverridesPage(String accountId, List<OverrideView> prices) {
    }

    record CommitmentsPage(String accountId, List<CommitmentView> commitments) {
    }

    @Operation(summary = "Set the account's own price for an item, from a time on")
    @PostMapping("/{id}/prices")
    @Allowed({ADMIN})
    public ResponseEntity<OverridesPage> setAccountPrice(@PathVariable String id, @RequestBody OverrideRequest request) {
        ItemPrice price = new PriceInput(request.item(), request.provider(), request.input(), request.cachedInput(), request.output(),
                request.price()).parsed("invalid-override");
        Instant from = request.effectiveFrom() == null ? null : WireInput.instant("effectiveFrom", request.effectiveFrom(), "invalid-override");
        boolean set = commands.sendAndWait(new SetPriceOverride(id, price, from, request.reason()));
        return ResponseEntity.status(set ? 201 : 200).body(new OverridesPage(id, terms.overrides(id)));
    }

    @Operation(summary = "The account's own prices, each from its time on")
    @GetMapping("/{id}/prices")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public OverridesPage accountPrices(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        return new OverridesPage(id, terms.overrides(id));
    }

    @Operation(summary = "Add a commitment: an amount of usage over a term, at its own rates")
    @PostMapping("/{id}/commitments")
    @Allowed({ADMIN})
    public ResponseEntity<CommitmentView> addCommitment(@PathVariable String id, @RequestBody CommitmentRequest request) {
        var amount = MoneyInput.parse("amount", request.amount(), request.currency(), Currencies.USD);
        Instant starts = request.startsAt() == null ? null : WireInput.instant("startsAt", request.startsAt(), "invalid-commitment");
        Instant ends = request.endsAt() == null ? null : WireInput.instant("endsAt", request.endsAt(), "invalid-commitment");
        if (request.prices() != null && request.prices().size() > PriceTermRules.MAX_COMMITMENT_PRICES) {
            throw ApiException.badRequest("invalid-commitment", "a commitment names at most " + PriceTermRules.MAX_COMMITMENT_PRICES + " prices");
        }
        List<ItemPrice> prices = request.prices() == null ? List.of()
                : request.prices().stream().map(p -> p == null ? null : p.parsed("invalid-commitment")).toList();
        boolean made = commands.sendAndWait(new AddCommitment(id, request.commitmentId(), amount, starts, ends,
                percent("discountPercent", request.discountPercent()), prices, percent("overagePercent", request.overagePercent()),
                Boolean.TRUE.equals(request.trueUp()), request.reason()));
        return ResponseEntity.status(made ? 201 : 200).body(terms.commitment(id, request.commitmentId(), clock.instant()));
    }

    @Operation(summary = "The account's commitments, with what usage has consumed of each")
    @GetMapping("/{id}/commitments")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public CommitmentsPage accountCommitments(@PathVariable String id) {
        ApiException.requireAccount(registry, id);
        return new CommitmentsPage(id, terms.commitments(id, clock.instant()));
    }

    private static BigDecimal percent(String field, String value) {
        return value == null ? null : WireInput.decimal(field, value, "invalid-commitment", "20");
    }
}
