package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.springframework.test.context.TestPropertySource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.audit.AuditCommand;
import dev.inference.ledger.audit.ReceiptProof;
import dev.inference.ledger.audit.ReceiptVerification;
import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.Chromium;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;
import dev.inference.ledger.service.support.Topics;
import dev.inference.ledger.service.support.UsageStream;

/**
 * Receipts anyone can verify: every {@code usage.charged} receipt of a stream has a proof that verifies offline with the
 * ledger's verifier key alone, in Java ({@code audit verify-receipt}) and in the documented JavaScript function in a real
 * Chromium; a proof altered anywhere, against another checkpoint, or checked with another key fails; a token bound to
 * another account cannot fetch it.
 */
@TestPropertySource(properties = {"ledger.audit.checkpoint-every-events=5", "ledger.audit.checkpoint-interval=1s",
        "ledger.audit.checkpoint-poll=200ms"})
class ReceiptProofsEndToEndTest extends ServiceStory {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void every_receipt_of_a_stream_verifies_offline_and_a_tampered_one_never_does() throws Exception {
        HttpApi api = new HttpApi(port);
        Ledger ledger = new Ledger(infra().database, api, ADMIN);
        List<String> accounts = List.of("acct-receipts-1", "acct-receipts-2");
        ledger.openPrepaid(accounts, new BigDecimal("100"));
        UsageStream usage = new UsageStream(7).unique("rcpt-", 60, accounts);
        UsageStream.publish(infra().kafka.bootstrapServers(), usage.withDuplicates(0), 0);
        for (String account : accounts) {
            ledger.awaitBalance(account, new BigDecimal("100").subtract(usage.expectedSpend(account)), WAIT);
        }
        long expected = ledger.usageRecordsOf("acct-receipts-1");
        List<JsonNode> receipts = new ArrayList<>();
        for (var r : Topics.read(infra().kafka.bootstrapServers(), "billing.notifications", (int) ledger.usageRecordsCharged(),
                r -> r.value().contains("\"usage.charged\""))) {
            JsonNode receipt = JSON.readTree(r.value());
            if (receipt.get("accountId").asText().equals("acct-receipts-1")) {
                receipts.add(receipt);
            }
        }
        assertThat(receipts).hasSize((int) expected);
        String key = api.get("/api/v1/receipts/verifier-key", ADMIN).body().get("verifierKey").asText();
        String last = receipts.get(receipts.size() - 1).get("receiptId").asText();
        Await.until("a signed checkpoint covers the last receipt", WAIT, () -> api.get("/api/v1/receipts/" + last + "/proof", ADMIN).status() == 200);

        Map<String, String> proofs = new HashMap<>();
        for (JsonNode receipt : receipts) {
            String receiptId = receipt.get("receiptId").asText();
            HttpApi.Response answer = api.get("/api/v1/receipts/" + receiptId + "/proof", ADMIN);
            assertThat(answer.status()).as(receiptId).isEqualTo(200);
            ReceiptProof proof = JSON.treeToValue(answer.body(), ReceiptProof.class);
            assertThat(ReceiptVerification.problems(proof, key)).as(receiptId).isEmpty();
            assertThat(proof.record().usageEventId()).isEqualTo(receipt.at("/details/usageEventId").asText());
            assertThat(new BigDecimal(proof.record().cost())).isEqualByComparingTo(receipt.at("/details/cost").asText());
            proofs.put(receiptId, answer.body().toString());
        }

        // Tampered: each alteration is caught.
        String original = proofs.get(last);
        List<String> tampered = new ArrayList<>();
        tampered.add(edit(original, p -> {
            byte[] payload = Base64.getDecoder().decode(p.get("payload").asText());
            payload[payload.length / 2] ^= 1;
            return p.put("payload", Base64.getEncoder().encodeToString(payload));
        }));
        tampered.add(edit(original, p -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) p.get("record")).put("cost", "0.000000000001");
            return p;
        }));
        tampered.add(edit(original, p -> {
            ((com.fasterxml.jackson.databind.node.ObjectNode) p.get("auditRow")).put("recordedAt", "2020-01-01T00:00:00Z");
            return p;
        }));
        tampered.add(edit(original, p -> {
            var path = (com.fasterxml.jackson.databind.node.ArrayNode) p.get("inclusion");
            if (!path.isEmpty()) {
                byte[] hash = Base64.getDecoder().decode(path.get(0).asText());
                hash[0] ^= 1;
                path.set(0, Base64.getEncoder().encodeToString(hash));
            }
            return p;
        }));
        // Against another checkpoint: one of a larger tree, once more usage has been logged and signed.
        long treeSize = JSON.readTree(original).get("treeSize").asLong();
        UsageStream.publish(infra().kafka.bootstrapServers(), new UsageStream(8).unique("rcpt-more-", 3, List.of("acct-receipts-2"))
                .withDuplicates(0), 0);
        String[] other = new String[1];
        Await.until("a checkpoint of another tree", WAIT, () -> {
            for (JsonNode c : api.get("/api/v1/audit/checkpoints?limit=1000", ADMIN).body().get("checkpoints")) {
                if (c.get("treeSize").asLong() != treeSize) {
                    other[0] = c.get("note").asText();
                    return true;
                }
            }
            return false;
        });
        tampered.add(edit(original, p -> p.put("checkpoint", other[0])));
        for (String bad : tampered) {
            assertThat(ReceiptVerification.problems(JSON.readValue(bad, ReceiptProof.class), key)).as(bad).isNotEmpty();
        }
        KeyPairGenerator ed25519 = KeyPairGenerator.getInstance("Ed25519");
        String otherKey = Checkpoint.verifierKey(key.substring(0, key.indexOf('+')), Checkpoint.raw(ed25519.generateKeyPair().getPublic()));
        assertThat(ReceiptVerification.problems(JSON.readValue(original, ReceiptProof.class), otherKey)).as("another key").isNotEmpty();

        // The auditor's command, offline: exit 0 for the proof, 1 for a tampered one.
        Path file = Files.createTempFile("proof", ".json");
        Files.writeString(file, original);
        assertThat(audit("verify-receipt", "--proof", file.toString(), "--key", key)).isZero();
        Files.writeString(file, tampered.get(0));
        assertThat(audit("verify-receipt", "--proof", file.toString(), "--key", key)).isEqualTo(1);

        // A token bound to the other account cannot read this account's receipt.
        String bound = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\",\"accountId\":\"acct-receipts-2\"}").body().get("token").asText();
        assertThat(api.get("/api/v1/receipts/" + last + "/proof", bound).status()).isEqualTo(403);
        assertThat(api.get("/api/v1/receipts/" + last.substring(0, last.indexOf(':')) + ":999/proof", ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/receipts/no-such-event:0/proof", ADMIN).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/receipts/12345/proof", ADMIN).status()).isEqualTo(400);

        // A verifier key whose base64 holds a '+' (about half of all keys do): the same checkpoint signed with one verifies.
        ReceiptProof genuine = JSON.readValue(original, ReceiptProof.class);
        String[] keyName = new String[1];
        Checkpoint head = Checkpoint.verify(genuine.checkpoint(), key.substring(0, key.indexOf('+')),
                Checkpoint.parseVerifierKey(key, keyName));
        java.security.KeyPair plus;
        String plusKey;
        do {
            plus = ed25519.generateKeyPair();
            plusKey = Checkpoint.verifierKey(keyName[0], Checkpoint.raw(plus.getPublic()));
        } while (!plusKey.substring(plusKey.indexOf('+', plusKey.indexOf('+') + 1) + 1).contains("+"));
        java.security.Signature signer = java.security.Signature.getInstance("Ed25519");
        signer.initSign(plus.getPrivate());
        signer.update(head.signedBytes());
        String note = head.signed(keyName[0], Checkpoint.raw(plus.getPublic()), signer.sign());
        String resigned = edit(original, p -> p.put("checkpoint", note));
        assertThat(ReceiptVerification.problems(JSON.readValue(resigned, ReceiptProof.class), plusKey)).as("Java, the same key").isEmpty();

        // The documented JavaScript function, in a real Chromium: the same verdicts.
        WebDriver browser = Chromium.start(1280, 1000);
        try {
            browser.get("http://localhost:" + port + "/console/");
            assertThat(verifyInBrowser(browser, original, key)).isTrue();
            for (String bad : tampered) {
                assertThat(verifyInBrowser(browser, bad, key)).as(bad).isFalse();
            }
            assertThat(verifyInBrowser(browser, original, otherKey)).isFalse();
            assertThat(verifyInBrowser(browser, resigned, plusKey)).as("a key with a '+' in its base64").isTrue();
        } finally {
            browser.quit();
        }
    }

    private static String edit(String proof, UnaryOperator<com.fasterxml.jackson.databind.node.ObjectNode> change) throws Exception {
        return change.apply((com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(proof)).toString();
    }

    private static int audit(String... args) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        return new AuditCommand(Map.of(), new PrintStream(output, true)).run(args);
    }

    private static boolean verifyInBrowser(WebDriver browser, String proof, String key) {
        Object verified = ((JavascriptExecutor) browser).executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                import('/receipts/verify-receipt.js').then((m) => m.verifyReceipt(JSON.parse(arguments[0]), arguments[1]))
                    .then((result) => done(result.verified), (e) => done('error: ' + e));""", proof, key);
        assertThat(verified).isInstanceOf(Boolean.class);
        return (Boolean) verified;
    }

}
