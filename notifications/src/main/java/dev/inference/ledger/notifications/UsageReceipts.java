package dev.inference.ledger.notifications;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.money.Money;

/**
 * Writes the {@code usage.charged} receipts of a usage batch, one per record, straight to bytes with a
 * streaming generator: the most frequent message of the service skips the map-then-serialize path.
 * The shape is the one every notification has ({@link Notification}).
 */
final class UsageReceipts {

    static final String TYPE = "usage.charged";

    /** One receipt: its id (unique per usage record) and its JSON. */
    record Receipt(String receiptId, byte[] json) {
    }

    // No separator between root values: one generator writes every receipt of a batch, each cut out on its own.
    private final JsonFactory factory = new JsonFactory().setRootValueSeparator(null);

    void write(UsageBatchCharged batch, String ledgerEventId, Consumer<Receipt> out) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(320);
        String at = batch.chargedAt().toString();
        String currency = batch.currency();
        try (JsonGenerator json = factory.createGenerator(buffer)) {
            batch.walk((index, record, balanceAfter, unbilledAfter) -> {
                String receiptId = ledgerEventId + ":" + index;
                try {
                    json.writeStartObject();
                    json.writeStringField("type", TYPE);
                    json.writeStringField("receiptId", receiptId);
                    json.writeStringField("eventId", ledgerEventId);
                    json.writeStringField("accountId", batch.accountId());
                    json.writeStringField("at", at);
                    json.writeObjectFieldStart("details");
                    json.writeStringField("usageEventId", record.eventId());
                    json.writeStringField("occurredAt", record.occurredAt().toString());
                    json.writeStringField("cost", plain(record.cost()));
                    json.writeStringField("currency", currency);
                    json.writeNumberField("catalogVersion", batch.prices().get(record.price()).catalogVersion());
                    json.writeStringField("balanceAfter", plain(balanceAfter));
                    json.writeStringField("unbilledAfter", plain(unbilledAfter));
                    json.writeEndObject();
                    json.writeEndObject();
                    json.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                out.accept(new Receipt(receiptId, buffer.toByteArray()));
                buffer.reset();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String plain(BigDecimal amount) {
        return amount.setScale(Money.SCALE, RoundingMode.UNNECESSARY).toPlainString();
    }
}
