package dev.inference.ledger.kernel.pricing;

import java.time.Instant;

import dev.inference.ledger.kernel.money.Currencies;

/**
 * Version 1 of the price list, loaded on first start: the token prices published by the inference
 * platforms in {@code shared/seeds} (USD per 1M tokens, provider deepinfra).
 */
public final class DefaultCatalog {

    public static final String DEEPINFRA = "deepinfra";

    private DefaultCatalog() {
    }

    public static PriceCatalog version1() {
        return new PriceCatalog.Builder()
                .tokens("meta-llama/Llama-3.3-70B-Instruct", DEEPINFRA, TokenPrice.of("0.23", null, "0.40"))
                .tokens("meta-llama/Llama-3.3-70B-Instruct-Turbo", DEEPINFRA, TokenPrice.of("0.12", null, "0.30"))
                .tokens("deepseek-ai/DeepSeek-R1", DEEPINFRA, TokenPrice.of("0.75", null, "2.40"))
                .tokens("deepseek-ai/DeepSeek-R1-Distill-Llama-70B", DEEPINFRA, TokenPrice.of("0.23", null, "0.69"))
                .tokens("deepseek-ai/DeepSeek-V3", DEEPINFRA, TokenPrice.of("0.49", null, "0.89"))
                .build(1, Instant.EPOCH, Currencies.USD);
    }
}
