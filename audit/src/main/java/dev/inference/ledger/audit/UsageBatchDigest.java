package dev.inference.ledger.audit;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.account.GrantDraw;

/**
 * What the replay needs of a stored {@link UsageBatchCharged}, read straight from its JSON: the account,
 * the figures after the batch, each record's id and cost, what each credit grant paid, and what the records priced by a
 * commitment consumed of it (by each price's {@code terms} and each record's {@code price}). The rest (unit prices,
 * quantities, attribution) is skipped unread: decoding whole batches was most of the replay's time.
 */
record UsageBatchDigest(String accountId, BigDecimal balanceAfter, BigDecimal unbilledAfter, List<String> eventIds,
                        List<BigDecimal> costs, BigDecimal total, List<GrantDraw> draws, java.util.Map<String, BigDecimal> committed) {

    private static final JsonFactory JSON = new JsonFactory();

    static UsageBatchDigest of(UsageBatchCharged batch) {
        return new UsageBatchDigest(batch.accountId(), batch.balanceAfter(), batch.unbilledAfter(),
                batch.records().stream().map(UsageBatchCharged.ChargedRecord::eventId).toList(),
                batch.records().stream().map(UsageBatchCharged.ChargedRecord::cost).toList(), batch.total(), batch.draws(),
                committed(batch.prices().stream().map(UsageBatchCharged.PriceUsed::commitmentId).toList(),
                        batch.records().stream().map(UsageBatchCharged.ChargedRecord::price).toList(),
                        batch.records().stream().map(UsageBatchCharged.ChargedRecord::cost).toList()));
    }

    /** What each commitment's rates priced, by the commitment each record's price names. */
    private static java.util.Map<String, BigDecimal> committed(List<String> commitmentOfPrice, List<Integer> priceOfRecord,
                                                               List<BigDecimal> costs) {
        if (commitmentOfPrice.stream().allMatch(java.util.Objects::isNull)) {
            return java.util.Map.of();
        }
        java.util.Map<String, BigDecimal> committed = new java.util.HashMap<>();
        for (int i = 0; i < costs.size(); i++) {
            String id = commitmentOfPrice.get(priceOfRecord.get(i));
            if (id != null) {
                committed.merge(id, costs.get(i), BigDecimal::add);
            }
        }
        return committed;
    }

    static UsageBatchDigest read(byte[] payload) throws IOException {
        String accountId = null;
        BigDecimal balanceAfter = null;
        BigDecimal unbilledAfter = null;
        List<String> ids = new ArrayList<>();
        List<BigDecimal> costs = new ArrayList<>();
        BigDecimal total = BigDecimal.ZERO;
        List<GrantDraw> draws = new ArrayList<>(1);
        List<String> commitmentOfPrice = new ArrayList<>(1);
        List<Integer> priceOfRecord = new ArrayList<>();
        try (JsonParser p = JSON.createParser(payload)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "accountId" -> accountId = p.getText();
                    case "balanceAfter" -> balanceAfter = new BigDecimal(p.getText());
                    case "unbilledAfter" -> unbilledAfter = new BigDecimal(p.getText());
                    case "records" -> {
                        expect(value, JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                                p.nextToken();
                                if (name.equals("eventId")) {
                                    ids.add(p.getText());
                                } else if (name.equals("price")) {
                                    priceOfRecord.add(p.getIntValue());
                                } else if (name.equals("cost")) {
                                    BigDecimal cost = new BigDecimal(p.getText());
                                    costs.add(cost);
                                    total = total.add(cost);
                                } else {
                                    p.skipChildren();
                                }
                            }
                        }
                    }
                    case "prices" -> {
                        expect(value, JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            String commitment = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                                p.nextToken();
                                if (name.equals("terms") && p.getText().startsWith(UsageBatchCharged.PriceUsed.COMMITMENT)) {
                                    commitment = p.getText().substring(UsageBatchCharged.PriceUsed.COMMITMENT.length());
                                } else {
                                    p.skipChildren();
                                }
                            }
                            commitmentOfPrice.add(commitment);
                        }
                    }
                    case "draws" -> {
                        expect(value, JsonToken.START_ARRAY);
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            String grantId = null;
                            BigDecimal amount = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME) {
                                String name = p.currentName();
                                p.nextToken();
                                if (name.equals("grantId")) {
                                    grantId = p.getText();
                                } else if (name.equals("amount")) {
                                    amount = new BigDecimal(p.getText());
                                } else {
                                    p.skipChildren();
                                }
                            }
                            if (grantId == null || amount == null) {
                                throw new IOException("a draw without its grant or amount");
                            }
                            draws.add(new GrantDraw(grantId, amount));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (accountId == null || balanceAfter == null || unbilledAfter == null) {
            throw new IOException("a usage batch without its account or figures");
        }
        if (costs.size() != ids.size()) {
            throw new IOException("a usage batch whose records do not each have an eventId and a cost");
        }
        if (priceOfRecord.size() != ids.size()) {
            throw new IOException("a usage batch whose records do not each name their price");
        }
        return new UsageBatchDigest(accountId, balanceAfter, unbilledAfter, ids, costs, total, draws,
                committed(commitmentOfPrice, priceOfRecord, costs));
    }

    private static void expect(JsonToken actual, JsonToken expected) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", found " + actual);
        }
    }
}
