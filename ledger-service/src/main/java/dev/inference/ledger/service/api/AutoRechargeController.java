package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.CUSTOMER;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.STAFF;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.accounts.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.service.recharge.AutoRechargeSettings;
import dev.inference.ledger.service.recharge.RechargeQueue;
import dev.inference.ledger.service.security.Allowed;

/** Staff set an account's auto-recharge and read it back; saving the same settings again is harmless. */
@RestController
@RequestMapping("/api/v1/accounts")
public class AutoRechargeController {

    private final CommandGateway commands;
    private final AutoRechargeSettings settings;
    private final RechargeQueue recharges;

    public AutoRechargeController(CommandGateway commands, AutoRechargeSettings settings, RechargeQueue recharges) {
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
}
