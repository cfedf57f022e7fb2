package dev.inference.ledger.kernel.input;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * JSON read so that every reader of the same bytes sees the same thing: exactly one value, each key of
 * an object at most once. A repeated key is read last-wins by some parsers and first-wins by others, and
 * content after the value is dropped by most; both are refused here, never resolved.
 */
public final class StrictJson {

    public static final int MAX_DOCUMENT_BYTES = 64 * 1024;
    /** The longest JSON number read: a whole count has at most 19 digits. */
    public static final int MAX_NUMBER_LENGTH = 64;
    public static final int MAX_NESTING = 16;

    /** Why bytes that parse are still refused. */
    public enum Ambiguity {
        /** An object names a key twice. */
        REPEATED_KEY,
        /** Something follows the value: a second document, or any other text. */
        TRAILING_CONTENT
    }

    /** Bytes that are JSON but not one unambiguous value. */
    public static final class AmbiguousJson extends JsonProcessingException {
        private final Ambiguity ambiguity;

        AmbiguousJson(Ambiguity ambiguity, String message) {
            super(message);
            this.ambiguity = ambiguity;
        }

        public Ambiguity ambiguity() {
            return ambiguity;
        }
    }

    private StrictJson() {
    }

    /** A mapper whose parser refuses repeated keys and keeps Jackson's reads within a record's bounds (its defaults allow 20 MB strings). */
    public static ObjectMapper mapper(int maxBytes) {
        return new ObjectMapper(JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNumberLength(MAX_NUMBER_LENGTH)
                        .maxStringLength(maxBytes)
                        .maxNestingDepth(MAX_NESTING)
                        .maxDocumentLength(maxBytes)
                        .build())
                .build());
    }

    /**
     * The one JSON value {@code bytes} hold, or null for none.
     *
     * @throws AmbiguousJson for a repeated key or content after the value
     * @throws IOException   for bytes that are not JSON, or beyond the mapper's bounds
     */
    public static JsonNode readOne(ObjectMapper mapper, byte[] bytes) throws IOException {
        try (JsonParser parser = mapper.createParser(bytes)) {
            JsonNode root;
            try {
                root = mapper.readTree(parser);
            } catch (JsonParseException e) {
                throw isRepeatedKey(e) ? new AmbiguousJson(Ambiguity.REPEATED_KEY, e.getOriginalMessage()) : e;
            }
            if (root == null || root.isMissingNode()) {
                return null;
            }
            try {
                if (parser.nextToken() == null) {
                    return root;
                }
            } catch (JsonProcessingException anythingElse) {
                // "{...}garbage" is as ambiguous as "{...}{...}": something was sent after the value.
            }
            throw new AmbiguousJson(Ambiguity.TRAILING_CONTENT, "content follows the JSON value");
        }
    }

    private static boolean isRepeatedKey(JsonParseException e) {
        String message = e.getOriginalMessage();
        return message != null && message.startsWith("Duplicate ");
    }
}
