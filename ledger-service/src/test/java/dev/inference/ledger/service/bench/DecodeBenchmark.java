package dev.inference.ledger.service.bench;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.kernel.usage.Decoded;
import dev.inference.ledger.kernel.usage.UsageDecoder;
import dev.inference.ledger.kernel.usage.UsageWindow;

/**
 * The ingest's first step on every record: the strict decoder (one JSON object, each key once, the decimal
 * grammar, identifier and quantity bounds, the time window), beside this machine's ceiling measured in the
 * same run: Jackson reading the same bytes into a tree with no check at all. Medians of rounds after warm-up.
 * {@code -Drecords} (default 200,000) gateway records of the contract's shape.
 */
public final class DecodeBenchmark {

    private DecodeBenchmark() {
    }

    public static void main(String[] args) {
        BenchmarkMain.runAndExit(DecodeBenchmark::run);
    }

    /** The median of the rounds after the first two (JIT warm-up). */
    private static double afterWarmUp(double[] rounds) {
        return Stats.of(Arrays.stream(rounds, 2, rounds.length).boxed().toList()).median();
    }

    static void run() throws Exception {
        int n = Integer.getInteger("records", 200_000);
        int rounds = 7;
        String occurredAt = Instant.now().minusSeconds(60).toString();
        List<byte[]> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(("{\"eventId\":\"gw-" + i + "\",\"kind\":\"tokens\",\"accountId\":\"acct-" + (i % 1000) + "\",\"occurredAt\":\""
                    + occurredAt + "\",\"source\":\"gateway-eu-1\",\"apiKeyId\":\"key-1\",\"projectId\":\"proj-a\","
                    + "\"model\":\"deepseek-ai/DeepSeek-V3\",\"provider\":\"deepinfra\",\"inputTokens\":2000,\"cachedInputTokens\":0,"
                    + "\"outputTokens\":500}").getBytes(StandardCharsets.UTF_8));
        }
        UsageDecoder decoder = new UsageDecoder(UsageWindow.of(Clock.systemUTC()));
        ObjectMapper ceiling = new ObjectMapper();
        double[] product = new double[rounds];
        double[] plain = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long started = System.nanoTime();
            for (byte[] record : records) {
                if (!(decoder.decode(record) instanceof Decoded.Valid)) {
                    throw new IllegalStateException("a valid record was refused");
                }
            }
            long decoded = System.nanoTime();
            long fields = 0;
            for (byte[] record : records) {
                fields += ceiling.readTree(record).size();
            }
            long read = System.nanoTime();
            if (fields != 12L * n) {
                throw new IllegalStateException("the ceiling read " + fields + " fields");
            }
            product[round] = (decoded - started) / 1e3 / n;
            plain[round] = (read - decoded) / 1e3 / n;
        }
        double decode = afterWarmUp(product);
        double tree = afterWarmUp(plain);
        System.out.printf("decode (strict, validated): %.2f µs/record = %,.0f records/s on one core%n", decode, 1e6 / decode);
        System.out.printf("ceiling (Jackson readTree, no checks): %.2f µs/record = %,.0f records/s; the decoder is %.2f x the ceiling's time%n",
                tree, 1e6 / tree, decode / tree);
    }
}
