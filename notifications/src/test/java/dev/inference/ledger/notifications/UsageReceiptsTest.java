package dev.inference.ledger.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.kernel.usage.UsageRecord.Attribution;

class UsageReceiptsTest {

    private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");

    @Test
    void each_record_of_a_batch_gets_a_receipt_of_its_own_with_the_balance_just_after_it() throws Exception {
        var price = new PriceUsed("tokens", "m", "p", 3, List.of(new PriceComponent("input", BigDecimal.ONE, "1M tokens")));
        List<ChargedRecord> records = List.of(record("u-1", "1.5"), record("u-2", "0.25"), record("u-3", "2"));
        var batch = new UsageBatchCharged("acct-1", BillingMode.PREPAID, "USD", List.of(price), records, new BigDecimal("10"),
                new BigDecimal("6.25"), BigDecimal.ZERO, new BigDecimal("3.75"), AT);

        List<UsageReceipts.Receipt> receipts = new ArrayList<>();
        new UsageReceipts().write(batch, "evt-9", receipts::add);

        ObjectMapper json = new ObjectMapper();
        assertThat(receipts).extracting(UsageReceipts.Receipt::receiptId).containsExactly("evt-9:0", "evt-9:1", "evt-9:2");
        List<JsonNode> parsed = new ArrayList<>();
        for (var r : receipts) {
            assertThat(new String(r.json())).startsWith("{").endsWith("}");
            parsed.add(json.readTree(r.json()));
        }
        assertThat(parsed).extracting(n -> n.path("details").path("balanceAfter").asText())
                .containsExactly("8.500000000000", "8.250000000000", "6.250000000000");
        assertThat(parsed).extracting(n -> n.path("details").path("usageEventId").asText()).containsExactly("u-1", "u-2", "u-3");
        assertThat(parsed.get(1).path("eventId").asText()).isEqualTo("evt-9");
        assertThat(parsed.get(1).path("details").path("catalogVersion").asInt()).isEqualTo(3);
    }

    private static ChargedRecord record(String eventId, String cost) {
        return new ChargedRecord(eventId, AT, "gw", Attribution.NONE, 0, List.of(BigDecimal.ONE), new BigDecimal(cost).setScale(12), null);
    }
}
