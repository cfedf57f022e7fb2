package dev.inference.ledger.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.BillingMode;

/** A UsageCharged exactly as the ledger stored it before batches (one event per record) reads as a batch of one. */
class UsageChargedUpcasterTest {

    private static final String STORED_BEFORE_BATCHES = """
            {"accountId":"acct-1","usageEventId":"gw-1","occurredAt":"2026-11-22T10:00:00Z","source":"gateway-eu-1",
             "attribution":{"apiKeyId":"key-1","projectId":null,"memberId":null},
             "charge":{"kind":"tokens","item":"deepseek-ai/DeepSeek-V3","provider":"deepinfra","catalogVersion":1,
                       "lines":[{"component":"input","quantity":"2000","unitPrice":"0.38","priceUnit":"1M tokens",
                                 "amount":{"amount":"0.000760000000","currency":"USD"}},
                                {"component":"output","quantity":"500","unitPrice":"0.89","priceUnit":"1M tokens",
                                 "amount":{"amount":"0.000445000000","currency":"USD"}}],
                       "cost":{"amount":"0.001205000000","currency":"USD"}},
             "interval":null,"billingMode":"prepaid",
             "balanceAfter":{"amount":"9.998795000000","currency":"USD"},
             "unbilledAfter":{"amount":"0.000000000000","currency":"USD"},
             "lifetimeSpendAfter":{"amount":"0.001205000000","currency":"USD"},
             "chargedAt":"2026-11-22T10:00:01Z"}""";

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    @Test
    void an_old_usage_charged_reads_as_a_batch_of_its_one_record_with_the_balance_before_it() throws Exception {
        JsonNode upcast = UsageChargedUpcaster.batchOfOne(json.readTree(STORED_BEFORE_BATCHES));
        UsageBatchCharged batch = json.treeToValue(upcast, UsageBatchCharged.class);

        assertThat(batch.accountId()).isEqualTo("acct-1");
        assertThat(batch.billingMode()).isEqualTo(BillingMode.PREPAID);
        assertThat(batch.currency()).isEqualTo("USD");
        assertThat(batch.balanceBefore()).isEqualByComparingTo("10");
        assertThat(batch.balanceAfter()).isEqualByComparingTo("9.998795");
        assertThat(batch.records()).singleElement().satisfies(r -> {
            assertThat(r.eventId()).isEqualTo("gw-1");
            assertThat(r.attribution().apiKeyId()).isEqualTo("key-1");
            assertThat(r.cost()).isEqualByComparingTo("0.001205");
            assertThat(r.quantities()).containsExactly(new BigDecimal("2000"), new BigDecimal("500"));
        });
        assertThat(batch.prices()).singleElement().satisfies(p -> {
            assertThat(p.item()).isEqualTo("deepseek-ai/DeepSeek-V3");
            assertThat(p.components()).extracting(c -> c.component()).containsExactly("input", "output");
        });
        assertThat(batch.balanceChange()).isEqualByComparingTo("-0.001205");
    }
}
