package dev.inference.ledger.audit;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import javax.sql.DataSource;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.event.EventTypes;
import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged.ChargedRecord;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rerating;
import dev.inference.ledger.kernel.pricing.VolumeTiers;
import dev.inference.ledger.accounts.UsageChargedUpcaster;

/**
 * What-if re-rating: every usage record that occurred in a period, as the event store kept it, rated
 * again with a draft catalog instead of the catalogs it was charged with, summed per account and per
 * model: what was paid and what would have been. Reads the store in one pass; writes nothing.
 * <p>
 * Graduated prices are applied as the account applies them: the draft's tier each record falls in follows the
 * account's volume of the item in the month it was charged, counted under the draft from the month's first record
 * (so the months that a period starts or ends in are read whole). A record the account's own terms priced (a price
 * override, a commitment's rates or its overage) would have cost what it did: those terms, not the catalog, set its
 * price. It still counts in the month's volume, unless an override priced it.
 */
public final class WhatIfRerating {

    /** The longest period one question may cover. */
    public static final Duration MAX_PERIOD = Duration.ofDays(366);

    /**
     * One account's records of one item at one provider. {@code paid} and {@code wouldHavePay} cover the
     * same records, those the draft prices; the records it has no price for are counted apart, with what they paid.
     */
    public record Row(String accountId, String kind, String item, String provider, String currency, long records,
                      @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal paid,
                      @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal wouldHavePaid,
                      @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal difference, long unpricedRecords,
                      @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal unpricedPaid) {
    }

    public record Result(Instant from, Instant to, String draftCurrency, long records,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal paid,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal wouldHavePaid,
                         @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal difference, long unpricedRecords,
                         List<Row> rows, BigDecimal seconds) {
    }

    private static final class Sums {
        long records;
        BigDecimal paid = BigDecimal.ZERO;
        BigDecimal wouldHavePaid = BigDecimal.ZERO;
        long unpriced;
        BigDecimal unpricedPaid = BigDecimal.ZERO;
        final String kind;
        final String currency;

        Sums(String kind, String currency) {
            this.kind = kind;
            this.currency = currency;
        }
    }

    private record Key(String accountId, String item, String provider) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::accountId).thenComparing(Key::item)
                .thenComparing(Key::provider, Comparator.nullsFirst(Comparator.naturalOrder()));

        @Override
        public int compareTo(Key other) {
            return ORDER.compare(this, other);
        }
    }

    private static final int FETCH = 500;

    private final DataSource dataSource;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public WhatIfRerating(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Records that occurred in [from, to), rated with {@code draft}. */
    public Result run(PriceCatalog draft, Instant from, Instant to) {
        if (!from.isBefore(to) || Duration.between(from, to).compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException("the period runs from before it ends, at most " + MAX_PERIOD.toDays() + " days");
        }
        long started = System.nanoTime();
        Map<Key, Sums> sums = new TreeMap<>();
        Map<String, BigDecimal> volume = new java.util.HashMap<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // a cursor, not the whole store in memory
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT payloadtype, payload FROM domainevententry WHERE payloadtype IN (?, ?, ?) ORDER BY globalindex")) {
                s.setString(1, UsageChargedUpcaster.NEW.getName());
                s.setString(2, EventTypes.of(UsageBatchCharged.class).orElseThrow().legacyName()); // stored before the event names
                s.setString(3, UsageChargedUpcaster.OLD.getName());
                s.setFetchSize(FETCH);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        add(read(rs.getString(1), rs.getBytes(2)), draft, from, to, sums, volume);
                    }
                }
            }
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the event store: " + e.getMessage(), e);
        }
        return result(sums, draft, from, to, (System.nanoTime() - started) / 1e9);
    }

    private UsageBatchCharged read(String type, byte[] payload) {
        try {
            if (type.equals(UsageChargedUpcaster.OLD.getName())) {
                return json.treeToValue(UsageChargedUpcaster.batchOfOne(json.readTree(payload)), UsageBatchCharged.class);
            }
            return json.readValue(payload, UsageBatchCharged.class);
        } catch (IOException e) {
            throw new IllegalStateException("a stored usage event cannot be read (run audit verify): " + e.getMessage(), e);
        }
    }

    private static void add(UsageBatchCharged batch, PriceCatalog draft, Instant from, Instant to, Map<Key, Sums> sums,
                            Map<String, BigDecimal> volume) {
        String month = java.time.YearMonth.from(batch.chargedAt().atOffset(java.time.ZoneOffset.UTC)).toString();
        for (ChargedRecord record : batch.records()) {
            boolean inPeriod = !record.occurredAt().isBefore(from) && record.occurredAt().isBefore(to);
            var price = batch.prices().get(record.price());
            Rated rated = draft.currency().equals(batch.currency()) ? Rerating.rerate(batch.accountId(), price, record, draft) : null;
            BigDecimal would = null;
            if (rated instanceof Rated.Priced priced) {
                boolean overridden = UsageBatchCharged.PriceUsed.OVERRIDE.equals(price.terms());
                String key = batch.accountId() + '|' + priced.charge().item() + '|' + priced.charge().provider() + '|' + month;
                VolumeTiers.Graduated graduated = overridden ? null : VolumeTiers.apply(priced.charge(), volume.getOrDefault(key, BigDecimal.ZERO));
                if (graduated != null && graduated.volume().signum() > 0) {
                    volume.merge(key, graduated.volume(), BigDecimal::add);
                }
                would = price.terms() != null ? record.cost() : graduated.charge().cost().amount();
            }
            if (!inPeriod) {
                continue;
            }
            Sums s = sums.computeIfAbsent(new Key(batch.accountId(), price.item(), price.provider()),
                    k -> new Sums(price.kind(), batch.currency()));
            if (would != null) {
                s.records++;
                s.paid = s.paid.add(record.cost());
                s.wouldHavePaid = s.wouldHavePaid.add(would);
            } else {
                s.unpriced++;
                s.unpricedPaid = s.unpricedPaid.add(record.cost());
            }
        }
    }

    private static Result result(Map<Key, Sums> sums, PriceCatalog draft, Instant from, Instant to, double seconds) {
        List<Row> rows = new ArrayList<>(sums.size());
        long records = 0;
        long unpriced = 0;
        BigDecimal paid = BigDecimal.ZERO;
        BigDecimal would = BigDecimal.ZERO;
        for (var e : sums.entrySet()) {
            Sums s = e.getValue();
            rows.add(new Row(e.getKey().accountId(), s.kind, e.getKey().item(), e.getKey().provider(), s.currency, s.records,
                    plain(s.paid), plain(s.wouldHavePaid), plain(s.wouldHavePaid.subtract(s.paid)), s.unpriced, plain(s.unpricedPaid)));
            if (s.currency.equals(draft.currency())) {
                records += s.records;
                paid = paid.add(s.paid);
                would = would.add(s.wouldHavePaid);
            }
            unpriced += s.unpriced;
        }
        return new Result(from, to, draft.currency(), records, plain(paid), plain(would), plain(would.subtract(paid)), unpriced, rows,
                Durations.seconds(seconds));
    }

    private static BigDecimal plain(BigDecimal amount) {
        return amount.signum() == 0 ? BigDecimal.ZERO : amount.stripTrailingZeros();
    }
}
