package dev.inference.ledger.audit;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.audit.Checkpoint;
import dev.inference.ledger.audit.AuditVerifier.Difference;

/**
 * Verifies an exported copy of the log offline, with no database and only the public key: every row's
 * payload hash against the bytes it carries, the chain, every checkpoint of the checkpoints file (its
 * signature, and its root against the tree rebuilt from the rows), and the replay of the carried events.
 */
public final class ExportedLogVerifier {

    public record Report(long entries, int checkpoints, List<Difference> differences, LedgerReplay.Report replay) {
    }

    private final String keyName;
    private final byte[] publicKey;
    private final int maxDifferences;

    public ExportedLogVerifier(String keyName, byte[] publicKey, int maxDifferences) {
        this.keyName = keyName;
        this.publicKey = publicKey.clone();
        this.maxDifferences = maxDifferences;
    }

    public Report verify(Path log, Path checkpointsFile, LedgerReplay replay) throws IOException {
        List<Difference> differences = new ArrayList<>();
        TreeMap<Long, byte[]> roots = checkpoints(checkpointsFile, differences);
        ObjectMapper json = new ObjectMapper();
        LogCheck check = new LogCheck(roots, differences);
        long started = System.nanoTime();
        try (BufferedReader lines = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null && differences.size() < maxDifferences; line = lines.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode row = json.readTree(line);
                AuditEntry entry = new AuditEntry(row.get("logIndex").asLong(), row.get("globalIndex").asLong(), row.get("eventId").asText(),
                        row.get("aggregateId").asText(), row.get("sequence").asLong(), row.get("eventType").asText(),
                        row.get("recordedAt").asText(), HexFormat.of().parseHex(row.get("payloadHash").asText()));
                JsonNode payload = row.get("payload");
                byte[] bytes = payload == null || payload.isNull() ? null : Base64.getDecoder().decode(payload.asText());
                check.row(entry, bytes, HexFormat.of().parseHex(row.get("previousHash").asText()),
                        HexFormat.of().parseHex(row.get("rowHash").asText()));
                if (bytes != null) {
                    replay.accept(entry.eventId(), row.get("payloadType").asText(), bytes, -1, started);
                }
            }
        }
        check.end();
        long entries = check.entries();
        return new Report(entries, roots.size(), differences, replay.report(started));
    }

    /** Reads the notes of a checkpoints file (each: three lines, a blank line, its signature lines) and checks each. */
    private TreeMap<Long, byte[]> checkpoints(Path file, List<Difference> differences) throws IOException {
        TreeMap<Long, byte[]> roots = new TreeMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        int i = 0;
        while (i < lines.size()) {
            if (lines.get(i).isBlank()) {
                i++;
                continue;
            }
            StringBuilder note = new StringBuilder();
            for (int n = 0; n < 3 && i < lines.size(); n++) {
                note.append(lines.get(i++)).append('\n');
            }
            note.append('\n');
            i++; // the blank line between the body and its signatures
            while (i < lines.size() && lines.get(i).startsWith("\u2014 ")) {
                note.append(lines.get(i++)).append('\n');
            }
            try {
                Checkpoint checkpoint = Checkpoint.verify(note.toString(), keyName, publicKey);
                roots.put(checkpoint.size(), checkpoint.root());
            } catch (IllegalArgumentException e) {
                differences.add(new Difference("checkpoint-forged", null, null, e.getMessage()));
            }
        }
        return roots;
    }
}
