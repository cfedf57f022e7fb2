package dev.inference.ledger.kernel.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // The Standard Webhooks specification's published test vector (its reference libraries test the same).
    private static final WebhookSecret VECTOR_SECRET = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    private static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long VECTOR_TIMESTAMP = 1614265330;
    private static final String VECTOR_BODY = "{\"test\": 2432232314}";
    private static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long NOW = 1_790_000_000L;

    @Test
    void the_specification_test_vector_is_reproduced_exactly_and_verifies() throws Exception {
        assertThat(WebhookSigner.signatureHeader(List.of(VECTOR_SECRET), VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY))
                .isEqualTo(VECTOR_SIGNATURE);
        new WebhookVerifier(List.of(VECTOR_SECRET), at(VECTOR_TIMESTAMP))
                .verify(headers(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_SIGNATURE), VECTOR_BODY);
    }

    @Test
    void a_generated_secret_round_trips_through_its_text_and_signs_what_it_verifies() throws Exception {
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        assertThat(secret.encoded()).startsWith("whsec_").hasSize("whsec_".length() + 44);
        assertThat(WebhookSecret.parse(secret.encoded())).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(secret.encoded().substring(6));

        String body = "{\"type\":\"balance.low\",\"data\":{\"balance\":\"17.000000000000\"}}";
        String signature = WebhookSigner.signatureHeader(List.of(secret), "wh-1", NOW, body);
        new WebhookVerifier(List.of(secret), at(NOW)).verify(headers("wh-1", NOW, signature), body);
    }

    @Test
    void a_tampered_body_id_or_timestamp_or_another_secret_is_refused() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        String signature = WebhookSigner.signatureHeader(List.of(secret), "wh-1", NOW, "{\"amount\":\"10.00\"}");
        WebhookVerifier verifier = new WebhookVerifier(List.of(secret), at(NOW));

        assertRefused(verifier, headers("wh-1", NOW, signature), "{\"amount\":\"99.00\"}", "no v1 signature");
        assertRefused(verifier, headers("wh-2", NOW, signature), "{\"amount\":\"10.00\"}", "no v1 signature");
        assertRefused(verifier, headers("wh-1", NOW + 1, signature), "{\"amount\":\"10.00\"}", "no v1 signature");
        assertRefused(new WebhookVerifier(List.of(WebhookSecret.generate(RANDOM)), at(NOW)), headers("wh-1", NOW, signature),
                "{\"amount\":\"10.00\"}", "no v1 signature");
    }

    @Test
    void a_timestamp_more_than_five_minutes_away_either_way_is_refused_and_one_just_within_is_accepted() {
        WebhookSecret secret = WebhookSecret.generate(RANDOM);
        String body = "{}";
        for (long sentAt : new long[] {NOW - 301, NOW + 301}) {
            String signature = WebhookSigner.signatureHeader(List.of(secret), "wh-1", sentAt, body);
            assertRefused(new WebhookVerifier(List.of(secret), at(NOW)), headers("wh-1", sentAt, signature), body, "minutes from now");
        }
        for (long sentAt : new long[] {NOW - 300, NOW + 300}) {
            String signature = WebhookSigner.signatureHeader(List.of(secret), "wh-1", sentAt, body);
            assertThatCode(() -> new WebhookVerifier(List.of(secret), at(NOW)).verify(headers("wh-1", sentAt, signature), body))
                    .doesNotThrowAnyException();
        }
    }

    @Test
    void during_a_rotation_both_signatures_are_sent_and_a_receiver_with_either_secret_verifies() throws Exception {
        WebhookSecret old = WebhookSecret.generate(RANDOM);
        WebhookSecret rotated = WebhookSecret.generate(RANDOM);
        String body = "{\"type\":\"tier.promoted\"}";
        String signature = WebhookSigner.signatureHeader(List.of(rotated, old), "wh-9", NOW, body);
        assertThat(signature.split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));

        new WebhookVerifier(List.of(old), at(NOW)).verify(headers("wh-9", NOW, signature), body);
        new WebhookVerifier(List.of(rotated), at(NOW)).verify(headers("wh-9", NOW, signature), body);
        assertRefused(new WebhookVerifier(List.of(WebhookSecret.generate(RANDOM)), at(NOW)), headers("wh-9", NOW, signature), body,
                "no v1 signature");
    }

    @Test
    void missing_or_malformed_headers_are_refused_with_a_sentence_that_names_them() {
        WebhookVerifier verifier = new WebhookVerifier(List.of(VECTOR_SECRET), at(VECTOR_TIMESTAMP));
        Map<String, String> noId = new HashMap<>(Map.of("webhook-timestamp", "1614265330", "webhook-signature", VECTOR_SIGNATURE));
        assertRefused(verifier, noId::get, VECTOR_BODY, "webhook-id is missing");
        assertRefused(verifier, headers(VECTOR_ID, "soon", VECTOR_SIGNATURE), VECTOR_BODY, "not a whole number");
        assertRefused(verifier, headers(VECTOR_ID, "1614265330", " "), VECTOR_BODY, "webhook-signature is missing");
        // Another scheme, garbage and a signature without its version are passed over, not mistaken for a match.
        assertRefused(verifier, headers(VECTOR_ID, "1614265330", "v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1,%%% "
                + "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="), VECTOR_BODY, "no v1 signature");
    }

    @Test
    void a_secret_of_the_wrong_shape_or_size_is_refused_without_being_repeated() {
        assertThatThrownBy(() -> WebhookSecret.parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).hasMessageContaining("starts with whsec_");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageContaining("24 to 64 bytes");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_not*base64")).hasMessageContaining("base64")
                .message().doesNotContain("not*base64");
    }

    private static void assertRefused(WebhookVerifier verifier, java.util.function.Function<String, String> headers, String body,
                                      String why) {
        assertThatThrownBy(() -> verifier.verify(headers, body)).isInstanceOf(WebhookVerificationException.class)
                .hasMessageContaining(why);
    }

    private static java.util.function.Function<String, String> headers(String id, long timestamp, String signature) {
        return headers(id, String.valueOf(timestamp), signature);
    }

    private static java.util.function.Function<String, String> headers(String id, String timestamp, String signature) {
        return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", signature)::get;
    }

    private static Clock at(long epochSecond) {
        return Clock.fixed(Instant.ofEpochSecond(epochSecond), ZoneOffset.UTC);
    }
}
