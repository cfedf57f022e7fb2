package dev.inference.ledger.service.account;

import java.math.BigDecimal;
import java.time.Duration;

import org.axonframework.common.caching.Cache;
import org.axonframework.config.AggregateConfigurer;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.modelling.command.Repository;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.accounts.RechargePolicy;
import dev.inference.ledger.accounts.UsageReview;
import dev.inference.ledger.accounts.UsageTiers;
import dev.inference.ledger.kernel.money.Currencies;

@Configuration(proxyBeanMethods = false)
public class AccountConfiguration {

    /**
     * The Account aggregate, from the Spring-free accounts module, with its cache and snapshot trigger; both are looked up
     * when Axon builds the repository (the trigger needs the snapshotter, which needs Axon's configuration).
     */
    @Bean
    public ConfigurerModule accountAggregate(@Qualifier("accountCache") ObjectProvider<Cache> accountCache,
                                             @Qualifier("accountSnapshotTrigger") ObjectProvider<SnapshotTriggerDefinition> accountSnapshotTrigger) {
        return configurer -> configurer.configureAggregate(AggregateConfigurer.defaultConfiguration(Account.class)
                .configureCache(c -> accountCache.getObject())
                .configureSnapshotTrigger(c -> accountSnapshotTrigger.getObject()));
    }

    /** The accounts' repository, for the ingest's batch path, which loads many accounts in one unit of work. */
    @Bean
    public Repository<Account> accountRepository(org.axonframework.config.Configuration axon) {
        return axon.repository(Account.class);
    }

    /** The tier table, "minSpend:limit,…" in USD (LEDGER_ACCOUNTS_TIERS); handed to the account's command handlers. */
    @Bean
    public UsageTiers usageTiers(@Value("${ledger.accounts.tiers:" + UsageTiers.DEFAULT + "}") String table) {
        return UsageTiers.parse(table, Currencies.USD);
    }

    /** The cost above which one usage record is held for review, not charged (LEDGER_USAGE_REVIEW_ABOVE, in USD). */
    @Bean
    public UsageReview usageReview(@Value("${ledger.usage.review-above}") BigDecimal costAbove) {
        return new UsageReview(costAbove);
    }

    /**
     * How failed recharges are retried (LEDGER_RECHARGE_MAX_ATTEMPTS, LEDGER_RECHARGE_FIRST_RETRY_AFTER), and how many, for how
     * much, one account may ask in a UTC day (LEDGER_RECHARGE_MAX_PER_DAY, LEDGER_RECHARGE_MAX_AMOUNT_PER_DAY, in USD).
     */
    @Bean
    public RechargePolicy rechargePolicy(@Value("${ledger.recharge.max-attempts}") int maxAttempts,
                                         @Value("${ledger.recharge.first-retry-after}") Duration firstRetryAfter,
                                         @Value("${ledger.recharge.max-per-day}") int maxPerDay,
                                         @Value("${ledger.recharge.max-amount-per-day}") BigDecimal maxAmountPerDay) {
        return new RechargePolicy(maxAttempts, firstRetryAfter, maxPerDay, maxAmountPerDay);
    }
}
