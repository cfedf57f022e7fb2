package dev.inference.ledger.kernel.pricing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceComponent;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.PriceUsed;
import dev.inference.ledger.kernel.usage.UsageRecord;

class ReratingTest {

    private final PriceCatalog v1 = DefaultCatalog.version1();

    @Test
    void every_record_rerated_with_the_catalog_that_charged_it_costs_exactly_what_it_was_charged() {
        Random random = new Random(13);
        List<UsageRecord> records = new ArrayList<>();
        for (var key : v1.tokenPrices().keySet()) {
            for (int i = 0; i < 20; i++) {
                records.add(RatingTest.tokens(key.item(), key.provider(), random.nextInt(3) == 0 ? 0 : random.nextInt(2_000_000),
                        random.nextInt(3) == 0 ? 0 : random.nextInt(500_000), random.nextInt(100_000)));
            }
        }
        for (var key : v1.meterPrices().keySet()) {
            for (String state : List.of("running", "idle", "stopped", "scaled-to-zero")) {
                records.add(RatingTest.compute(key.item(), String.valueOf(1 + random.nextInt(10_000)), 1 + random.nextInt(4), state));
            }
        }
        for (var entry : v1.unitPrices().entrySet()) {
            records.add(RatingTest.units(entry.getKey().item(), entry.getValue().unit(), String.valueOf(1 + random.nextInt(500))));
        }
        assertThat(records).hasSizeGreaterThan(100);
        for (UsageRecord record : records) {
            Charge charge = ((Rated.Priced) Rating.rate(record, v1)).charge();
            Charge again = ((Rated.Priced) Rerating.rerate("acct-1", priceUsed(charge), charged(record, charge), v1)).charge();
            assertThat(again.cost()).as(record.toString()).isEqualTo(charge.cost());
            assertThat(again.lines()).as(record.toString()).isEqualTo(charge.lines());
        }
    }

    @Test
    void a_draft_with_other_prices_gives_what_the_record_would_have_cost() {
        UsageRecord record = RatingTest.tokens("deepseek-ai/DeepSeek-V3", null, 2000, 0, 500);
        Charge charge = ((Rated.Priced) Rating.rate(record, v1)).charge();
        PriceCatalog draft = new PriceCatalog.Builder()
                .tokens("deepseek-ai/DeepSeek-V3", "deepinfra", new TokenPrice(new BigDecimal("0.98"), null, new BigDecimal("1.78")))
                .build(2, record.occurredAt(), "USD");

        Rated rerated = Rerating.rerate("acct-1", priceUsed(charge), charged(record, charge), draft);

        // twice the prices: twice 0.001425
        assertThat(((Rated.Priced) rerated).charge().cost().amount()).isEqualByComparingTo("0.00285");
        assertThat(Rerating.rerate("acct-1", priceUsed(charge), charged(record, charge), new PriceCatalog.Builder()
                .units("other", "p", new UnitPrice("image", BigDecimal.ONE)).build(2, record.occurredAt(), "USD")))
                .isInstanceOf(Rated.Unpriced.class);
    }

    @Test
    void a_record_charged_by_the_started_minute_is_rerated_per_second_as_its_whole_minutes() {
        String meter = v1.meterPrices().entrySet().stream().filter(e -> e.getValue() instanceof MeterPrice.Hourly).findFirst()
                .orElseThrow().getKey().item();
        String provider = v1.meterPrice(meter, null).orElseThrow().provider();
        UsageRecord record = RatingTest.compute(meter, "61", 2, "running"); // two started minutes, two replicas
        Charge charge = ((Rated.Priced) Rating.rate(record, v1)).charge();
        PriceCatalog draft = new PriceCatalog.Builder().meter(meter, provider, new MeterPrice.PerSecond(new BigDecimal("0.001")))
                .build(2, record.occurredAt(), "USD");

        Charge rerated = ((Rated.Priced) Rerating.rerate("acct-1", priceUsed(charge), charged(record, charge), draft)).charge();

        assertThat(rerated.cost().amount()).isEqualByComparingTo("0.24"); // 4 minutes = 240 s × 0.001
    }

    /** As UsageBatch keeps a charge in its event. */
    private static PriceUsed priceUsed(Charge charge) {
        return new PriceUsed(charge.kind(), charge.item(), charge.provider(), charge.catalogVersion(), charge.lines().stream()
                .map(l -> new PriceComponent(l.component(), l.unitPrice(), l.priceUnit())).toList());
    }

    private static ChargedRecord charged(UsageRecord record, Charge charge) {
        return new ChargedRecord(record.eventId(), record.occurredAt(), record.source(), record.attribution(), 0,
                charge.lines().stream().map(ChargeLine::quantity).toList(), charge.cost().amount(), null);
    }
}
