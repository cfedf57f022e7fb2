package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.accounts.AccountCommand.PayTopUp;
import dev.inference.ledger.kernel.account.AccountEvent.RechargeRequested;
import dev.inference.ledger.service.recharge.AutoRechargeSettings;
import dev.inference.ledger.service.recharge.RechargeQueue;
import dev.inference.ledger.service.security.Allowed;

/**
 * Staff (and the account's customer, in the portal) set an account's auto-recharge and read it back; saving the same
 * settings again is harmless. A customer tops up by card: a recharge asked at once, paid by the recharge worker.
 */
@RestController
@RequestMapping("/api/v1/accounts")
public class AutoRechargeController {

    private final CommandGateway commands;
    private final AutoRechargeSettings settings;
    private final RechargeQueue recharges;

    private final IdempotentRequests idempotent;

    public AutoRechargeController(CommandGateway commands, AutoRechargeSettings settings, RechargeQueue recharges,
                                  IdempotentRequests idempotent) {
        this.idempotent = idempotent;
        this.commands = commands;
        this.settings = settings;
        this.recharges = recharges;
    }

    record AutoRechargeRequest(String threshold, String amount, Boolean enabled,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String currency) {
    }

    record AutoRechargeView(String accountId, String threshold, String amount, boolean enabled) {
    }

    /** The settings as projected, and the recharge on its way to the payment provider, if one is. */
    record AutoRechargeState(String accountId, String threshold, String amount, boolean enabled,
                             RechargeQueue.InFlight rechargeInFlight) {
    }

    @Operation(summary = "The account's auto-recharge settings and state")
    @GetMapping("/{id}/auto-recharge")
    @Allowed({ADMIN, STAFF, AUDITOR, CUSTOMER})
    public AutoRechargeState read(@PathVariable String id) {
        var saved = settings.find(id).orElseThrow(() -> ApiException.notFound("account " + id + " has no auto-recharge settings"));
        return new AutoRechargeState(id, saved.threshold().toPlainString(), saved.amount().toPlainString(), saved.enabled(),
                recharges.inFlight(id).stream().findFirst().orElse(null));
    }

    @Operation(summary = "Configure auto-recharge")
    @PutMapping("/{id}/auto-recharge")
    @Allowed({ADMIN, STAFF, CUSTOMER})
    public AutoRechargeView configure(@PathVariable String id, @RequestBody AutoRechargeRequest request) {
        if (request.enabled() == null) {
            throw ApiException.badRequest("invalid-auto-recharge", "enabled is required: true or false");
        }
        var threshold = MoneyInput.parse("threshold", request.threshold(), request.currency(), Currencies.USD);
        var amount = MoneyInput.parse("amount", request.amount(), request.currency(), Currencies.USD);
        commands.sendAndWait(new ConfigureAutoRecharge(id, request.enabled(), threshold, amount));
        return new AutoRechargeView(id, threshold.toPlainString(), amount.toPlainString(), request.enabled());
    }

    record CardTopUpRequest(String amount, @JsonInclude(JsonInclude.Include.NON_NULL) String currency) {
    }

    record CardTopUpView(String accountId, String rechargeId, String amount, String currency, String status) {
    }

    /**
     * A top-up paid by card through the payment provider, as an auto-recharge is paid: 202, then credited once the provider
     * answers (a recharge entry). The same {@code Idempotency-Key} and body get the first answer again.
     */
    @Operation(summary = "Top up a prepaid balance by card, through the payment provider")
    @PostMapping("/{id}/card-top-ups")
    @Allowed({ADMIN, STAFF, CUSTOMER})
    public ResponseEntity<String> cardTopUp(@PathVariable String id, @RequestHeader("Idempotency-Key") String key,
                                            @RequestBody CardTopUpRequest request) {
        return idempotent.once("card-top-up:" + id, key, request, () -> {
            var amount = MoneyInput.parse("amount", request.amount(), request.currency(), Currencies.USD);
            RechargeRequested requested = commands.sendAndWait(new PayTopUp(id, amount));
            return new IdempotentRequests.Answer(202, new CardTopUpView(id, requested.rechargeId(), amount.toPlainString(), amount.currency(),
                    "requested"));
        });
    }
}
