package dev.inference.ledger.accounts;

import java.math.BigDecimal;

import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.SimpleSerializedType;
import org.axonframework.serialization.upcasting.event.IntermediateEventRepresentation;
import org.axonframework.serialization.upcasting.event.SingleEventUpcaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.inference.ledger.kernel.account.AccountEvent.UsageBatchCharged;
import dev.inference.ledger.kernel.event.EventTypes;

/**
 * Reads a {@code UsageCharged} stored before usage was charged in batches (one event per record) as a
 * {@link UsageBatchCharged} of that one record, so that the aggregate, every projection and the
 * reconciliation know one shape. The stored JSON is never rewritten.
 */
public final class UsageChargedUpcaster extends SingleEventUpcaster {

    public static final SerializedType OLD = new SimpleSerializedType("dev.inference.ledger.kernel.account.AccountEvent$UsageCharged", null);
    public static final SerializedType NEW = EventTypes.of(UsageBatchCharged.class)
            .map(t -> new SimpleSerializedType(t.name(), t.revision())).orElseThrow();

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Override
    protected boolean canUpcast(IntermediateEventRepresentation representation) {
        return OLD.equals(representation.getType());
    }

    @Override
    protected IntermediateEventRepresentation doUpcast(IntermediateEventRepresentation representation) {
        return representation.upcastPayload(NEW, JsonNode.class, UsageChargedUpcaster::batchOfOne);
    }

    public static JsonNode batchOfOne(JsonNode old) {
        JsonNode charge = old.path("charge");
        BigDecimal cost = amount(charge.path("cost"));
        BigDecimal balanceAfter = amount(old.path("balanceAfter"));
        boolean prepaid = "prepaid".equalsIgnoreCase(old.path("billingMode").asText());

        ObjectNode price = NODES.objectNode();
        copy(price, "kind", charge.path("kind"));
        copy(price, "item", charge.path("item"));
        copy(price, "provider", charge.path("provider"));
        copy(price, "catalogVersion", charge.path("catalogVersion"));
        var components = price.putArray("components");
        ObjectNode record = NODES.objectNode();
        copy(record, "eventId", old.path("usageEventId"));
        copy(record, "occurredAt", old.path("occurredAt"));
        copy(record, "source", old.path("source"));
        copy(record, "attribution", old.path("attribution"));
        record.put("price", 0);
        var quantities = record.putArray("quantities");
        for (JsonNode line : charge.path("lines")) {
            components.addObject().put("component", line.path("component").asText())
                    .put("unitPrice", line.path("unitPrice").asText()).put("priceUnit", line.path("priceUnit").asText());
            quantities.add(new BigDecimal(line.path("quantity").asText()));
        }
        record.put("cost", cost.toPlainString());
        copy(record, "interval", old.path("interval"));

        ObjectNode batch = NODES.objectNode();
        copy(batch, "accountId", old.path("accountId"));
        copy(batch, "billingMode", old.path("billingMode"));
        copy(batch, "currency", charge.path("cost").path("currency"));
        batch.putArray("prices").add(price);
        batch.putArray("records").add(record);
        batch.put("balanceBefore", (prepaid ? balanceAfter.add(cost) : balanceAfter).toPlainString());
        batch.put("balanceAfter", balanceAfter.toPlainString());
        batch.put("unbilledAfter", amount(old.path("unbilledAfter")).toPlainString());
        batch.put("lifetimeSpendAfter", amount(old.path("lifetimeSpendAfter")).toPlainString());
        copy(batch, "chargedAt", old.path("chargedAt"));
        return batch;
    }

    private static void copy(ObjectNode target, String field, JsonNode value) {
        if (!value.isMissingNode()) {
            target.set(field, value);
        }
    }

    private static BigDecimal amount(JsonNode money) {
        return new BigDecimal(money.path("amount").asText());
    }
}
