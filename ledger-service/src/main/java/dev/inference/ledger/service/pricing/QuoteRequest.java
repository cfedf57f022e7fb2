package dev.inference.ledger.service.pricing;

import java.io.IOException;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A usage event sent for a quote. A gateway asks before it has an event id or knows the account, so
 * those default to placeholders and the time to now; everything else is the event as it would be published.
 */
public record QuoteRequest(byte[] usageEvent) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static QuoteRequest of(byte[] body, Instant now) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root instanceof ObjectNode event) {
                putIfAbsent(event, "eventId", "quote");
                putIfAbsent(event, "accountId", "quote");
                putIfAbsent(event, "occurredAt", now.toString());
                return new QuoteRequest(JSON.writeValueAsBytes(event));
            }
        } catch (IOException e) {
            // not JSON: the decoder says so, in the words it uses for the DLQ
        }
        return new QuoteRequest(body);
    }

    private static void putIfAbsent(ObjectNode event, String field, String value) {
        if (!event.hasNonNull(field)) {
            event.put(field, value);
        }
    }
}
