package dev.inference.ledger.kernel.pricing;

import static dev.inference.ledger.kernel.pricing.MeterPrice.hourly;
import static dev.inference.ledger.kernel.pricing.MeterPrice.perSecond;

import java.math.BigDecimal;
import java.time.Instant;

import dev.inference.ledger.kernel.money.Currencies;

/**
 * Version 1 of the price list, loaded on first start, from the pricing pages in {@code shared/seeds}:
 * token prices (USD per 1M tokens, provider {@value #DEEPINFRA}; seeds 000 and 002), GPU meters by
 * the second (provider {@value #CLUSTER}; seed 001), dedicated endpoint instances by the hour, billed
 * per started minute (provider {@value #ENDPOINTS}; seed 004), and unit prices for image, video and
 * request-priced models, which the seeds name but do not price: those are examples.
 */
public final class DefaultCatalog {

    public static final String DEEPINFRA = "deepinfra";
    public static final String CLUSTER = "cluster";
    public static final String ENDPOINTS = "endpoints";

    private DefaultCatalog() {
    }

    public static PriceCatalog version1() {
        PriceCatalog.Builder catalog = new PriceCatalog.Builder();
        tokens(catalog, "meta-llama/Llama-3.3-70B-Instruct", "0.23", null, "0.40");
        tokens(catalog, "meta-llama/Llama-3.3-70B-Instruct-Turbo", "0.12", null, "0.30");
        tokens(catalog, "deepseek-ai/DeepSeek-R1", "0.75", null, "2.40");
        tokens(catalog, "deepseek-ai/DeepSeek-R1-Distill-Llama-70B", "0.23", null, "0.69");
        tokens(catalog, "deepseek-ai/DeepSeek-V3", "0.49", null, "0.89");
        tokens(catalog, "anthropic/claude-4-opus", "16.50", null, "82.50");
        tokens(catalog, "anthropic/claude-4-sonnet", "3.30", null, "16.50");
        tokens(catalog, "google/gemini-2.5-pro", "1.25", null, "10.00");
        tokens(catalog, "deepseek-ai/DeepSeek-R1-0528", "0.50", null, "2.15");
        tokens(catalog, "moonshotai/Kimi-K2-Instruct-0905", "0.50", null, "2.00");
        tokens(catalog, "deepseek-ai/DeepSeek-V3.2", "0.26", "0.13", "0.38");
        tokens(catalog, "deepseek-ai/DeepSeek-V3.1", "0.21", null, "0.79");
        tokens(catalog, "google/gemini-2.5-flash", "0.30", null, "2.50");
        tokens(catalog, "meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8", "0.15", null, "0.60");
        tokens(catalog, "nvidia/Nemotron-3-Super", "0.10", null, "0.50");
        tokens(catalog, "Qwen/Qwen3-32B", "0.08", null, "0.28");
        tokens(catalog, "meta-llama/Llama-4-Scout-17B-16E-Instruct", "0.08", null, "0.30");
        tokens(catalog, "google/gemma-3-27b-it", "0.08", null, "0.16");
        tokens(catalog, "mistralai/Mistral-Small-24B-Instruct-2501", "0.05", null, "0.08");
        tokens(catalog, "meta-llama/Meta-Llama-3.1-8B-Instruct", "0.02", null, "0.05");
        // The seeds give input 3.30 and cached 0.33 but no output price: 16.50 is an assumption (Claude 4 Sonnet's).
        tokens(catalog, "anthropic/claude-3-7-sonnet", "3.30", "0.33", "16.50");

        String[] sizes = {"micro", "xs", "sm", "md", "lg", "xl", "xxl", "super"};
        String[] llm = {"0.0000872083", "0.0001475035", "0.0006478333", "0.0008433876", "0.0012956667", "0.0024468774",
                "0.0047912685", "0.0059890856"};
        String[] other = {"0.00053440", "0.00066800", "0.00427520", "0.00480960", "0.00855040", "0.01603200", "0.02458240",
                "0.02992640"};
        for (int i = 0; i < sizes.length; i++) {
            catalog.meter("llm." + sizes[i], CLUSTER, perSecond(llm[i]));
            catalog.meter("other." + sizes[i], CLUSTER, perSecond(other[i]));
        }

        String[] cpu = {"small", "0.06", "medium", "0.12", "large", "0.24", "xlarge", "0.48"};
        for (int i = 0; i < cpu.length; i += 2) {
            catalog.meter("aws.cpu." + cpu[i], ENDPOINTS, hourly(cpu[i + 1]));
            catalog.meter("azure.cpu." + cpu[i], ENDPOINTS, hourly(cpu[i + 1]));
        }
        String[] gpu = {"small", "0.60", "medium", "1.30", "large", "4.50", "xlarge", "6.50", "xxlarge", "7.00",
                "2xlarge", "13.00", "4xlarge", "26.00", "8xlarge", "45.00"};
        for (int i = 0; i < gpu.length; i += 2) {
            catalog.meter("aws.gpu." + gpu[i], ENDPOINTS, hourly(gpu[i + 1]));
        }

        // Example unit prices: the seeds bill "per image, video, or request" without a figure.
        units(catalog, "black-forest-labs/FLUX-1-schnell", "image", "0.0005");
        units(catalog, "black-forest-labs/FLUX-1-dev", "image", "0.009");
        units(catalog, "Wan-AI/Wan2.1-T2V-14B", "video-second", "0.08");
        units(catalog, "openai/whisper-large-v3", "request", "0.0045");

        return catalog.build(1, Instant.EPOCH, Currencies.USD);
    }

    private static void tokens(PriceCatalog.Builder catalog, String model, String input, String cached, String output) {
        catalog.tokens(model, DEEPINFRA, TokenPrice.of(input, cached, output));
    }

    private static void units(PriceCatalog.Builder catalog, String model, String unit, String price) {
        catalog.units(model, DEEPINFRA, new UnitPrice(unit, new BigDecimal(price)));
    }
}
