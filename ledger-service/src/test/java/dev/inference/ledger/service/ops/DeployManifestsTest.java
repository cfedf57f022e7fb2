package dev.inference.ledger.service.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;

/**
 * The deployment files, checked as far as a machine without Docker or a cluster can: docker-compose.yml
 * against the Compose Specification's schema (vendored in deploy/schemas), and both it and the Kubernetes
 * manifest for what the service needs: every variable it requires outside the embedded mode, secrets never
 * inlined, health checks and start order, probes, resources and a disruption budget.
 */
class DeployManifestsTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** What the service refuses to start without against external PostgreSQL and Kafka, and its database roles. */
    private static final List<String> REQUIRED = List.of("LEDGER_DB_URL", "LEDGER_DB_USER", "LEDGER_DB_PASSWORD", "LEDGER_DB_OWNER_USER",
            "LEDGER_DB_OWNER_PASSWORD", "LEDGER_KAFKA_BOOTSTRAP", "LEDGER_ADMIN_TOKEN", "LEDGER_WEBHOOKS_SECRET_KEY", "LEDGER_AUDIT_SIGNING_KEY");
    private static final List<String> SECRETS = List.of("LEDGER_DB_PASSWORD", "LEDGER_DB_OWNER_PASSWORD", "LEDGER_ADMIN_TOKEN",
            "LEDGER_WEBHOOKS_SECRET_KEY", "LEDGER_AUDIT_SIGNING_KEY");

    @Test
    void docker_compose_is_a_valid_compose_file_that_starts_the_ledger_after_healthy_postgres_and_kafka() throws IOException {
        JsonNode compose = JSON.valueToTree(new Yaml().load(Files.readString(Path.of("..", "docker-compose.yml"))));
        Path file = DEPLOY.resolve("schemas").resolve("compose-spec.json").toAbsolutePath().normalize();
        // Its $id is relative: it resolves against where the file is read from, here the vendored copy.
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7)
                .getSchema(SchemaLocation.of(file.toUri().toString()), JSON.readTree(file.toFile()));
        assertThat(schema.validate(compose)).as("errors against the Compose Specification").isEmpty();
        JsonNode broken = compose.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) broken.path("services").path("ledger")).put("depends_on", 42);
        assertThat(schema.validate(broken)).as("the schema does check: a depends_on that is a number").isNotEmpty();

        JsonNode ledger = compose.path("services").path("ledger");
        for (String dependency : List.of("postgres", "kafka")) {
            assertThat(ledger.path("depends_on").path(dependency).path("condition").asText()).isEqualTo("service_healthy");
            assertThat(compose.path("services").path(dependency).has("healthcheck")).as(dependency + " has a health check").isTrue();
        }
        JsonNode environment = ledger.path("environment");
        assertThat(REQUIRED).allSatisfy(name -> assertThat(environment.has(name)).as(name).isTrue());
        for (String secret : List.of("LEDGER_ADMIN_TOKEN", "LEDGER_WEBHOOKS_SECRET_KEY", "LEDGER_AUDIT_SIGNING_KEY")) {
            assertThat(environment.path(secret).asText()).as(secret + " has no default: compose refuses to start without it")
                    .startsWith("${" + secret + ":?");
        }
    }

    @Test
    void the_kubernetes_manifest_probes_sizes_and_protects_the_service_and_references_every_secret() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(DEPLOY.resolve("k8s").resolve("ledger.yaml")))) {
            if (document != null) {
                documents.add(JSON.valueToTree(document));
            }
        }
        assertThat(documents).extracting(d -> d.path("kind").asText()).contains("Deployment", "Service", "PodDisruptionBudget");
        assertThat(documents).allSatisfy(d -> assertThat(d.has("apiVersion") && d.path("metadata").has("name")).isTrue());
        JsonNode deployment = documents.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
        assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/actuator/health/readiness");
        assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/actuator/health/liveness");
        assertThat(container.path("resources").path("requests").has("memory")).isTrue();
        Map<String, JsonNode> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
        assertThat(REQUIRED).allSatisfy(name -> assertThat(env).as(name).containsKey(name));
        assertThat(SECRETS).allSatisfy(name -> assertThat(env.get(name).has("valueFrom") && !env.get(name).has("value"))
                .as(name + " comes from a Secret, never inlined").isTrue());
        assertThat(deployment.path("spec").path("selector").path("matchLabels"))
                .isEqualTo(documents.stream().filter(d -> d.path("kind").asText().equals("PodDisruptionBudget")).findFirst().orElseThrow()
                        .path("spec").path("selector").path("matchLabels"));
    }
}
