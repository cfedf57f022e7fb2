package dev.inference.ledger.service.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.beans.factory.annotation.Autowired;

import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.testsupport.GeneratedDocs;
import dev.inference.ledger.service.support.ServiceStory;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * The HTTP door, tried with what a careless client or an attacker sends: every refusal is a problem
 * document that repeats no huge input, nothing is written, nothing else is disturbed, nothing is
 * logged as an error.
 */
@ExtendWith(OutputCaptureExtension.class)
class HttpDoorTest extends ServiceStory {

    private static final String ACCOUNT = "acct-door";

    @BeforeAll
    static void account(@Autowired Environment environment) {
        HttpApi api = new HttpApi(Integer.parseInt(environment.getProperty("local.server.port")));
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"" + ACCOUNT + "\",\"name\":\"Door\"}").status()).isEqualTo(201);
        assertThat(api.post("/api/v1/accounts/" + ACCOUNT + "/top-ups", ADMIN, "{\"amount\":\"100\"}", "Idempotency-Key", "door-1")
                .status()).isEqualTo(201);
    }

    record Bad(String what, String method, String path, String body, int status, String type) {
    }

    private static final String TOP_UP = "/api/v1/accounts/" + ACCOUNT + "/top-ups";

    private static List<Bad> corpus() {
        String huge = "k".repeat(10_000);
        return List.of(
                new Bad("malformed JSON", "POST", TOP_UP, "{\"amount\":", 400, "malformed-body"),
                new Bad("a number where money is a string", "POST", TOP_UP, "{\"amount\":12.5}", 400, "malformed-body"),
                new Bad("a missing amount", "POST", TOP_UP, "{}", 400, "invalid-amount"),
                new Bad("an amount of 200 digits", "POST", TOP_UP, "{\"amount\":\"" + "9".repeat(200) + "\"}", 400, "invalid-amount"),
                new Bad("an amount with a huge exponent", "POST", TOP_UP, "{\"amount\":\"1E+1000000000\"}", 400, "invalid-amount"),
                new Bad("an amount of 60,000 digits", "POST", TOP_UP, "{\"amount\":\"" + "9".repeat(60_000) + "\"}", 422, "invalid-field"),
                new Bad("a budget on an API key id of 2,000 characters", "PUT",
                        "/api/v1/accounts/" + ACCOUNT + "/budgets/apiKey/" + "k".repeat(2_000), "{\"hardCap\":\"10\"}", 422, "invalid-field"),
                new Bad("a project id with a control character", "POST", "/api/v1/accounts/" + ACCOUNT + "/projects",
                        "{\"projectId\":\"p\\u0001x\",\"name\":\"P\"}", 422, "invalid-field"),
                new Bad("a project name of 10,000 characters", "POST", "/api/v1/accounts/" + ACCOUNT + "/projects",
                        "{\"projectId\":\"p-1\",\"name\":\"" + huge + "\"}", 422, "invalid-field"),
                new Bad("an account id of 10,000 characters", "POST", "/api/v1/accounts",
                        "{\"accountId\":\"" + huge + "\",\"name\":\"X\"}", 422, "invalid-field"),
                new Bad("an account id with a slash", "POST", "/api/v1/accounts", "{\"accountId\":\"a/b\",\"name\":\"X\"}", 422, "invalid-field"),
                new Bad("a body over 64 KiB", "POST", TOP_UP, "{\"amount\":\"1\",\"pad\":\"" + "x".repeat(70_000) + "\"}", 413, "body-too-large"),
                new Bad("a quote of an unknown kind", "POST", "/api/v1/quote", "{\"kind\":\"bogus\",\"model\":\"m\"}", 400, "invalid-field"),
                new Bad("a quote of an unknown model", "POST", "/api/v1/quote",
                        "{\"kind\":\"tokens\",\"model\":\"acme/none\",\"inputTokens\":5}", 422, "unknown-price"),
                new Bad("a quote with a huge model name", "POST", "/api/v1/quote",
                        "{\"kind\":\"tokens\",\"model\":\"" + huge + "\",\"inputTokens\":5}", 400, "invalid-field"),
                new Bad("a page far too large", "GET", "/api/v1/accounts/" + ACCOUNT + "/entries?limit=100000000", null, 400, "invalid-parameter"),
                new Bad("a page size that is not a number", "GET", "/api/v1/accounts/" + ACCOUNT + "/entries?limit=" + "9x".repeat(1_000), null, 400,
                        "invalid-parameter"),
                new Bad("a cache-hit share with a huge negative exponent", "POST", "/api/v1/estimate",
                        "{\"requestsPerDay\":1000,\"inputTokens\":1000,\"models\":[\"Qwen/Qwen3-32B\"],\"cacheHitShare\":\"1e-1000000\"}",
                        400, "invalid-estimate"),
                new Bad("a quote whose accountId is an array", "POST", "/api/v1/quote",
                        "{\"kind\":\"tokens\",\"model\":\"m\",\"inputTokens\":1,\"accountId\":[\"acct-b\"]}", 400, "invalid-field"),
                new Bad("a key twice", "POST", TOP_UP, "{\"amount\":\"10\",\"amount\":\"4000\"}", 400, "repeated-key"),
                new Bad("a key twice, same value", "POST", TOP_UP, "{\"amount\":\"10\",\"amount\":\"10\"}", 400, "repeated-key"),
                new Bad("a nested key twice", "POST", "/api/v1/quote",
                        "{\"kind\":\"tokens\",\"model\":\"Qwen/Qwen3-32B\",\"inputTokens\":5,\"meta\":{\"a\":1,\"a\":2}}", 400, "repeated-key"),
                new Bad("a second document", "POST", TOP_UP, "{\"amount\":\"10\"}{\"amount\":\"20\"}", 400, "trailing-content"),
                new Bad("words after the body", "POST", TOP_UP, "{\"amount\":\"10\"} more", 400, "malformed-body"),
                new Bad("an amount in exponent notation", "POST", TOP_UP, "{\"amount\":\"1e3\"}", 400, "invalid-amount"),
                new Bad("an amount in Arabic-Indic digits", "POST", TOP_UP, "{\"amount\":\"\u0661\u0660\u0660\"}", 400, "invalid-amount"),
                new Bad("an amount in fullwidth digits", "POST", TOP_UP, "{\"amount\":\"\uFF11\uFF10\uFF10\"}", 400, "invalid-amount"),
                new Bad("an amount with a plus sign", "POST", TOP_UP, "{\"amount\":\"+25\"}", 400, "invalid-amount"),
                new Bad("an amount with spaces", "POST", TOP_UP, "{\"amount\":\" 25 \"}", 400, "invalid-amount"),
                new Bad("an amount ending in a point", "POST", TOP_UP, "{\"amount\":\"25.\"}", 400, "invalid-amount"),
                new Bad("a top-up in another currency", "POST", TOP_UP, "{\"amount\":\"25\",\"currency\":\"EUR\"}", 422, "currency-mismatch"),
                new Bad("a budget cap in another currency", "PUT", "/api/v1/accounts/" + ACCOUNT + "/budgets/account/" + ACCOUNT,
                        "{\"hardCap\":\"10\",\"currency\":\"JPY\"}", 422, "currency-mismatch"),
                new Bad("a soft alert in exponent notation", "PUT", "/api/v1/accounts/" + ACCOUNT + "/budgets/account/" + ACCOUNT,
                        "{\"hardCap\":\"10\",\"softAlerts\":[\"8e-1\"]}", 400, "invalid-soft-alert"),
                new Bad("auto-recharge that would recharge again at once", "PUT", "/api/v1/accounts/" + ACCOUNT + "/auto-recharge",
                        "{\"threshold\":\"1000\",\"amount\":\"10\",\"enabled\":true}", 422, "invalid-auto-recharge"),
                new Bad("a usage period in the year 100000", "GET", "/api/v1/accounts/" + ACCOUNT
                        + "/usage?from=%2B100000-01-01T00:00:00Z&to=%2B100000-01-02T00:00:00Z", null, 400, "invalid-period"),
                new Bad("a usage period before 1970", "GET", "/api/v1/accounts/" + ACCOUNT
                        + "/usage?from=1900-01-01T00:00:00Z&to=1900-01-02T00:00:00Z", null, 400, "invalid-period"),
                new Bad("a point in time a million years back", "GET", "/api/v1/accounts/" + ACCOUNT + "?asOf=-1000000-01-01T00:00:00Z", null, 400,
                        "invalid-parameter"),
                new Bad("entries as of the year 100000", "GET", "/api/v1/accounts/" + ACCOUNT + "/entries?asOf=%2B100000-01-01T00:00:00Z", null, 400,
                        "invalid-parameter"),
                new Bad("a statement of the month -999999999-01", "GET", "/api/v1/accounts/" + ACCOUNT + "/statements/-999999999-01", null, 400,
                        "invalid-period"),
                new Bad("a statement of the month 1200-01", "GET", "/api/v1/accounts/" + ACCOUNT + "/statements/1200-01", null, 400,
                        "invalid-period"),
                new Bad("a statement of the month +999999999-12", "GET", "/api/v1/accounts/" + ACCOUNT + "/statements/+999999999-12", null, 400,
                        "invalid-period"),
                new Bad("a token that expires in the year 1000000", "POST", "/api/v1/tokens",
                        "{\"role\":\"staff\",\"expiresAt\":\"+1000000-01-01T00:00:00Z\"}", 400, "invalid-expiry"),
                new Bad("an estimate of more tokens a request than any record", "POST", "/api/v1/estimate",
                        "{\"requestsPerDay\":1000,\"inputTokens\":9223372036854775807,\"outputTokens\":9223372036854775807,"
                                + "\"models\":[\"Qwen/Qwen3-32B\"],\"hardware\":[{\"meter\":\"llm.micro\",\"tokensPerSecond\":100}]}",
                        400, "invalid-estimate"),
                new Bad("an estimate of more requests than a long", "POST", "/api/v1/estimate",
                        "{\"requestsPerDay\":99999999999999999999,\"inputTokens\":1,\"models\":[\"Qwen/Qwen3-32B\"]}", 400, "malformed-body"),
                new Bad("an unknown path", "GET", "/api/v1/nothing-here", null, 404, "not-found"),
                new Bad("a method the path does not take", "DELETE", "/api/v1/accounts/" + ACCOUNT, null, 405, "method-not-allowed"));
    }

    @Test
    void every_bad_request_is_refused_with_a_problem_document_and_disturbs_nothing(CapturedOutput output) {
        HttpApi api = new HttpApi(port);
        for (Bad bad : corpus()) {
            HttpApi.Response response = api.call(bad.method(), bad.path(), ADMIN, bad.body(), "Idempotency-Key", "door-" + bad.what().hashCode());
            assertThat(response.status()).as(bad.what() + ": " + response.body()).isEqualTo(bad.status());
            assertThat(response.contentType()).as(bad.what()).startsWith("application/problem+json");
            assertThat(response.body().get("type").asText()).as(bad.what()).isEqualTo("/problems/" + bad.type());
            assertThat(response.body().toString().length()).as(bad.what() + " repeats no huge input").isLessThan(600);
        }
        HttpApi.Response account = api.get("/api/v1/accounts/" + ACCOUNT, ADMIN);
        assertThat(account.body().get("balance").asText()).isEqualTo("100.000000000000");
        assertThat(api.post(TOP_UP, ADMIN, "{\"amount\":\"10\"}", "Idempotency-Key", "door-2").status()).isEqualTo(201);
        assertThat(output.getAll()).doesNotContain(" ERROR ");
    }

    @Test
    void a_request_line_over_tomcats_limit_is_refused_in_json() {
        HttpApi.Response response = new HttpApi(port).get("/api/v1/accounts/" + ACCOUNT + "/entries?limit=" + "9".repeat(10_000), ADMIN);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).contains("json");
    }

    @Test
    void a_chunked_body_over_64_kib_is_refused_while_it_streams() throws Exception {
        byte[] body = ("{\"amount\":\"1\",\"pad\":\"" + "x".repeat(100_000) + "\"}").getBytes();
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + TOP_UP))
                .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/json")
                .header("Idempotency-Key", "door-chunked")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("/problems/body-too-large");
    }

    @Test
    void the_openapi_document_is_generated_valid_and_describes_the_bearer_scheme() throws java.io.IOException {
        HttpApi api = new HttpApi(port);
        String[] yaml = api.text("/openapi.yaml");
        assertThat(yaml[0]).isEqualTo("200");
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "openapi.yaml"), yaml[1]); // for `npx @redocly/cli lint`
        ParseOptions options = new ParseOptions();
        options.setValidateExternalRefs(false);
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(yaml[1], null, options);
        assertThat(parsed.getMessages()).as("OpenAPI validation messages").isEmpty();
        assertThat(parsed.getOpenAPI().getComponents().getSecuritySchemes()).containsKey("bearer");
        assertThat(parsed.getOpenAPI().getPaths()).containsKeys("/api/v1/accounts/{id}", "/api/v1/quote", "/api/v1/tokens/{tokenId}");
        assertThat(parsed.getOpenAPI().getPaths().get("/api/v1/accounts/{id}").getGet().getResponses()).containsKeys("200", "401", "403", "422");
        assertThat(api.text("/v3/api-docs")[0]).isEqualTo("200");

        // What Redocly's recommended rules ask (`npx @redocly/cli lint target/openapi.yaml`, docs/how-to/test.md), held by the build:
        // a summary and a unique operationId on every operation, a licence, and a server that no Host header changes.
        var openApi = parsed.getOpenAPI();
        java.util.Set<String> operationIds = new java.util.HashSet<>();
        openApi.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            assertThat(operation.getSummary()).as(method + " " + path + " has a summary").isNotBlank();
            assertThat(operationIds.add(operation.getOperationId())).as(method + " " + path + ": operationId "
                    + operation.getOperationId() + " is unique").isTrue();
            assertThat(operation.getOperationId()).as(method + " " + path).doesNotContain("_");
        }));
        assertThat(openApi.getInfo().getLicense().getIdentifier()).isEqualTo("Apache-2.0");
        assertThat(openApi.getServers()).extracting(server -> server.getUrl()).containsExactly("/");
        assertThat(GeneratedDocs.check(java.nio.file.Path.of("..", "docs", "reference", "api.md"),
                "<!-- operations: generated by HttpDoorTest, do not edit by hand -->", "<!-- end of operations -->", operations(openApi)))
                .isNull();
    }

    /** docs/reference/api.md's list: every operation of the served document, with who may call it. */
    private static String operations(io.swagger.v3.oas.models.OpenAPI openApi) {
        StringBuilder out = new StringBuilder("\n| method | path | what | roles | reach |\n|---|---|---|---|---|\n");
        new java.util.TreeMap<>(openApi.getPaths()).forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            Map<String, Object> extensions = operation.getExtensions() == null ? Map.of() : operation.getExtensions();
            out.append("| ").append(method).append(" | `").append(path).append("` | ").append(operation.getSummary()).append(" | ")
                    .append(String.join(", ", String.valueOf(extensions.getOrDefault("x-roles", "none")).replaceAll("[\\[\\]]", "")))
                    .append(" | ").append(extensions.getOrDefault("x-reach", "")).append(" |\n");
        }));
        return out.append("\n").toString();
    }

    @Test
    void health_shows_its_details_only_to_a_caller_with_a_token_and_metrics_need_a_scrape_token() {
        HttpApi api = new HttpApi(port);
        HttpApi.Response open = api.get("/actuator/health", null);
        assertThat(open.body().has("status")).isTrue();
        assertThat(open.body().has("components")).isFalse();
        assertThat(api.get("/actuator/health", ADMIN).body().has("components")).isTrue();
        String gateway = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\"}").body().get("token").asText();
        assertThat(api.get("/actuator/health", gateway).body().has("components")).as("components name accounts").isFalse();
        assertThat(api.get("/error", null).status()).isEqualTo(401);
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);

        assertThat(api.text("/actuator/prometheus")[0]).isEqualTo("401");
        String scraper = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"metrics\"}").body().get("token").asText();
        assertThat(api.call("GET", "/actuator/prometheus", scraper, null).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/prices", scraper).status()).isEqualTo(403);

        // A token bound to one account sees nothing summed across accounts, whatever its role.
        for (String role : new String[] {"admin", "metrics"}) {
            String bound = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"" + role + "\",\"accountId\":\"" + ACCOUNT + "\"}")
                    .body().get("token").asText();
            assertThat(api.call("GET", "/actuator/prometheus", bound, null).status()).as(role + " bound: metrics").isEqualTo(403);
            assertThat(api.get("/actuator/health", bound).body().has("components")).as(role + " bound: health details").isFalse();
        }
    }
}
