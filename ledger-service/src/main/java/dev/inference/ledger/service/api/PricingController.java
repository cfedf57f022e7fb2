package dev.inference.ledger.service.api;

import io.swagger.v3.oas.annotations.Operation;
import static dev.inference.ledger.service.security.Role.ADMIN;
import static dev.inference.ledger.service.security.Role.AUDITOR;
import static dev.inference.ledger.service.security.Role.GATEWAY;
import static dev.inference.ledger.service.security.Role.STAFF;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.inference.ledger.kernel.money.Decimals;
import dev.inference.ledger.kernel.money.Money;
import dev.inference.ledger.kernel.pricing.BillingModelComparison;
import dev.inference.ledger.kernel.pricing.Charge;
import dev.inference.ledger.kernel.pricing.CostEstimate;
import dev.inference.ledger.kernel.pricing.PriceCatalog;
import dev.inference.ledger.kernel.pricing.Rated;
import dev.inference.ledger.kernel.pricing.Rating;
import dev.inference.ledger.kernel.usage.Decoded;
import dev.inference.ledger.kernel.usage.UsageDecoder;
import dev.inference.ledger.kernel.usage.UsageWindow;
import dev.inference.ledger.kernel.pricing.CatalogView;
import dev.inference.ledger.service.pricing.PublishedCatalogs;
import dev.inference.ledger.service.pricing.QuoteRequest;
import dev.inference.ledger.service.security.Allowed;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Prices, quotes and estimates (docs/reference/contract.md): reads the catalog, writes nothing. */
@RestController
public class PricingController {

    private final PublishedCatalogs catalogs;
    private final CommandGateway commands;
    private final Clock clock;
    private final JsonMapper json;
    private final UsageDecoder decoder;

    public PricingController(PublishedCatalogs catalogs, CommandGateway commands, Clock clock, JsonMapper json, UsageWindow window) {
        this.catalogs = catalogs;
        this.json = json;
        this.commands = commands;
        this.clock = clock;
        this.decoder = new UsageDecoder(window);
    }

    @Operation(summary = "The price list in force")
    @GetMapping("/api/v1/prices")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY})
    public CatalogView prices(@RequestParam(required = false) String at) {
        Instant instant = at == null ? clock.instant() : instant("at", at);
        return new CatalogView(inForce(instant));
    }

    /**
     * Publishes the next catalog version: the whole price list in force from {@code effectiveFrom} (now or
     * later), in the shape {@code GET /api/v1/prices} returns, so a version is made by editing the last.
     */
    @Operation(summary = "Publish a new version of the price list")
    @PostMapping("/api/v1/prices")
    @Allowed(value = ADMIN, reach = Allowed.Reach.ALL_ACCOUNTS)
    public ResponseEntity<CatalogView> publish(@RequestBody CatalogView request) {
        int version = commands.sendAndWait(CatalogRequest.toCommand(PublishedCatalogs.PRICE_LIST, request));
        catalogs.refresh();
        PriceCatalog published = catalogs.versions().stream().filter(c -> c.version() == version).findFirst().orElseThrow();
        return ResponseEntity.created(URI.create("/api/v1/prices?at=" + published.effectiveFrom())).body(new CatalogView(published));
    }

    record QuoteLine(String component, String quantity, String unitPrice, String priceUnit, String amount) {
    }

    record Quote(int catalogVersion, String kind, String item, String provider, List<QuoteLine> lines, String cost,
                 String currency) {
        Quote(Charge c) {
            this(c.catalogVersion(), c.kind(), c.item(), c.provider(), c.lines().stream()
                    .map(l -> new QuoteLine(l.component(), l.quantity().toPlainString(), l.unitPrice().toPlainString(),
                            l.priceUnit(), l.amount().toPlainString())).toList(),
                    c.cost().toPlainString(), c.cost().currency());
        }
    }

    /** A usage event in, its charge out: what a gateway attaches to its own response. */
    @Operation(summary = "Price a usage record without charging it")
    @PostMapping("/api/v1/quote")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY})
    public Quote quote(@RequestBody JsonNode body) {
        Decoded decoded = decoder.decode(QuoteRequest.of(json.writeValueAsBytes(body), clock.instant()).usageEvent());
        if (decoded instanceof Decoded.Invalid invalid) {
            throw ApiException.badRequest(invalid.rejection().reason(), invalid.rejection().detail());
        }
        var record = ((Decoded.Valid) decoded).record();
        Rated rated = Rating.rate(record, inForce(record.occurredAt()));
        if (rated instanceof Rated.Unpriced unpriced) {
            throw new ApiException(422, unpriced.rejection().reason(), "Cannot be priced", unpriced.rejection().detail());
        }
        return new Quote(((Rated.Priced) rated).charge());
    }

    /** A GPU meter of the catalog and how many tokens one instance of it serves a second. */
    record HardwareRequest(String meter, Long tokensPerSecond) {
    }

    record EstimateRequest(Long requestsPerDay, Long inputTokens, Long cachedInputTokens, Long outputTokens,
                           List<String> models, String cacheHitShare, Integer days, List<HardwareRequest> hardware) {
    }

    /** The same workload on a model's tokens and on hardware (BillingModelComparison). */
    record HardwareEstimate(String model, String meter, String billing, String tokensPerMonth, String perTokenMonthlyCost,
                            String hardwareMonthlyCost, long instances, String cheaper, String breakEvenTokensPerMonth) {
        HardwareEstimate(BillingModelComparison.Comparison c) {
            this(c.model(), c.meter(), c.billing(), c.tokensPerMonth().toPlainString(), c.perTokenMonthlyCost().toPlainString(),
                    c.hardwareMonthlyCost().toPlainString(), c.instances(), c.cheaper(),
                    c.breakEvenTokensPerMonth() == null ? null : c.breakEvenTokensPerMonth().toPlainString());
        }
    }

    static final int MAX_HARDWARE = 10;

    record ModelEstimate(String model, String provider, String monthlyCost, String monthlyCostWithCacheHits, String saving) {
    }

    record Estimate(int catalogVersion, int days, List<ModelEstimate> models, List<String> unpriced, List<HardwareEstimate> hardware,
                    List<String> unpricedMeters) {
    }

    /** Requests a day and tokens a request → monthly cost per model, cheapest first. */
    @Operation(summary = "Estimate the cost of a workload")
    @PostMapping("/api/v1/estimate")
    @Allowed({ADMIN, STAFF, AUDITOR, GATEWAY})
    public Estimate estimate(@RequestBody EstimateRequest request) {
        if (request.requestsPerDay() == null || request.models() == null || request.models().isEmpty()) {
            throw ApiException.badRequest("invalid-estimate", "requestsPerDay and a non-empty list of models are required");
        }
        CostEstimate.Workload workload;
        try {
            workload = new CostEstimate.Workload(request.requestsPerDay(), orZero(request.inputTokens()),
                    orZero(request.cachedInputTokens()), orZero(request.outputTokens()), share(request.cacheHitShare()),
                    request.days() == null ? 30 : request.days());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-estimate", e.getMessage());
        }
        List<BillingModelComparison.Hardware> hardware;
        try {
            hardware = request.hardware() == null ? List.of() : request.hardware().stream()
                    .map(h -> new BillingModelComparison.Hardware(h.meter(), h.tokensPerSecond() == null ? 0 : h.tokensPerSecond())).toList();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid-estimate", e.getMessage());
        }
        if (hardware.size() > MAX_HARDWARE || hardware.stream().anyMatch(h -> h.meter() == null)) {
            throw ApiException.badRequest("invalid-estimate", "hardware is at most " + MAX_HARDWARE + " meters, each with its tokensPerSecond");
        }
        PriceCatalog catalog = inForce(clock.instant());
        var result = CostEstimate.monthly(workload, request.models(), catalog);
        var compared = BillingModelComparison.compare(workload, result.models(), hardware, catalog);
        return new Estimate(result.catalogVersion(), workload.days(), result.models().stream()
                .map(m -> new ModelEstimate(m.model(), m.provider(), m.monthlyCost().toPlainString(),
                        m.monthlyCostWithCacheHits().toPlainString(), m.saving().toPlainString())).toList(),
                result.unpriced(), compared.comparisons().stream().map(HardwareEstimate::new).toList(), compared.unpricedMeters());
    }

    private PriceCatalog inForce(Instant at) {
        return catalogs.inForceAt(at).orElseThrow(() -> ApiException.notFound("no price catalog was in force at " + at));
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }

    private static BigDecimal share(String value) {
        if (value == null) {
            return BigDecimal.ZERO;
        }
        BigDecimal share = WireInput.decimal("cacheHitShare", value, "invalid-estimate", "0.5");
        // Sized before any arithmetic: "1e-1000000" would rescale every amount it meets to a million places.
        if (!Decimals.fits(share, 1, Money.SCALE)) {
            throw ApiException.badRequest("invalid-estimate", "cacheHitShare must be a fraction with at most " + Money.SCALE + " decimal places");
        }
        return share;
    }

    private static Instant instant(String name, String value) {
        return WireInput.instant(name, value, "invalid-parameter");
    }
}
