package dev.inference.ledger.service.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import dev.inference.ledger.service.support.UsageStream;

/**
 * Usage records as a busy platform publishes them: accounts drawn from a Zipf distribution (a few
 * hot customers, a long tail), the five default models, and a share of exact duplicates.
 */
final class UsageWorkload {

    static final String[] MODELS = {"meta-llama/Llama-3.3-70B-Instruct", "meta-llama/Llama-3.3-70B-Instruct-Turbo",
            "deepseek-ai/DeepSeek-R1", "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "deepseek-ai/DeepSeek-V3"};

    record Record(String accountId, byte[] value) {
    }

    private final Random random = new Random(7);
    private final double[] cumulative;

    UsageWorkload(int accounts, double exponent) {
        cumulative = new double[accounts];
        double sum = 0;
        for (int rank = 1; rank <= accounts; rank++) {
            sum += 1 / Math.pow(rank, exponent);
            cumulative[rank - 1] = sum;
        }
        for (int i = 0; i < accounts; i++) {
            cumulative[i] /= sum;
        }
    }

    static String account(int index) {
        return "acct-" + index;
    }

    String zipfAccount() {
        int i = Arrays.binarySearch(cumulative, random.nextDouble());
        return account(i < 0 ? -i - 1 : i);
    }

    Record record(String prefix, long n, String accountId) {
        String json = "{\"eventId\":\"" + prefix + n + "\",\"kind\":\"tokens\",\"accountId\":\"" + accountId
                + "\",\"occurredAt\":\"" + UsageStream.RECENTLY + "\",\"source\":\"gateway-bench\",\"apiKeyId\":\"key-" + (n % 7)
                + "\",\"model\":\"" + MODELS[(int) (n % MODELS.length)] + "\",\"inputTokens\":" + (100 + random.nextInt(8000))
                + ",\"cachedInputTokens\":0,\"outputTokens\":" + (10 + random.nextInt(1500)) + "}";
        return new Record(accountId, json.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code total} records of which {@code duplicateShare} are exact copies of earlier ones. */
    List<Record> bulk(int total, double duplicateShare) {
        List<Record> records = new ArrayList<>(total);
        for (int n = 0; n < total; n++) {
            if (n > 100 && random.nextDouble() < duplicateShare) {
                records.add(records.get(random.nextInt(n)));
            } else {
                records.add(record("bulk-", n, zipfAccount()));
            }
        }
        return records;
    }
}
