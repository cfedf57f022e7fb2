package dev.inference.ledger.service.account;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.kernel.money.Currencies;

@Configuration(proxyBeanMethods = false)
public class AccountConfiguration {

    /** The tier table, "minSpend:limit,…" in USD (LEDGER_ACCOUNTS_TIERS); handed to the account's command handlers. */
    @Bean
    public UsageTiers usageTiers(@Value("${ledger.accounts.tiers:" + UsageTiers.DEFAULT + "}") String table) {
        return UsageTiers.parse(table, Currencies.USD);
    }
}
