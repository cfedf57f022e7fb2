package dev.inference.ledger.service.api;

import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.STAFF;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.kernel.money.Currencies;
import dev.inference.ledger.service.account.AccountCommand.ConfigureAutoRecharge;
import dev.inference.ledger.service.security.Allowed;

/** Staff set an account's auto-recharge; saving the same settings again is harmless. */
@RestController
@RequestMapping("/api/v1/accounts")
public class AutoRechargeController {

    private final CommandGateway commands;

    public AutoRechargeController(CommandGateway commands) {
        this.commands = commands;
    }

    record AutoRechargeRequest(String threshold, String amount, Boolean enabled) {
    }

    record AutoRechargeView(String accountId, String threshold, String amount, boolean enabled) {
    }

    @PutMapping("/{id}/auto-recharge")
    @Allowed({ADMIN, STAFF})
    public AutoRechargeView configure(@PathVariable String id, @RequestBody AutoRechargeRequest request) {
        if (request.enabled() == null) {
            throw ApiException.badRequest("invalid-auto-recharge", "enabled is required: true or false");
        }
        var threshold = MoneyInput.parse("threshold", request.threshold(), Currencies.USD);
        var amount = MoneyInput.parse("amount", request.amount(), Currencies.USD);
        commands.sendAndWait(new ConfigureAutoRecharge(id, request.enabled(), threshold, amount));
        return new AutoRechargeView(id, threshold.toPlainString(), amount.toPlainString(), request.enabled());
    }
}
