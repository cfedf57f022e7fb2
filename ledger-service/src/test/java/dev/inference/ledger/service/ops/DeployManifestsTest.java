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
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;

/**
 * The deployment files, checked as far as a machine without Docker or a cluster can: docker-compose.yml
 * against the Compose Specification's schema and the Kubernetes manifest against the Kubernetes schemas
 * (vendored in deploy/schemas), and both for what the service needs: every variable it requires outside the embedded mode, secrets never
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
        ((ObjectNode) broken.path("services").path("ledger")).put("depends_on", 42);
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

    /** The vendored schema of each kind the manifest may hold, by apiVersion and kind. */
    private static final Map<String, String> KUBERNETES_SCHEMAS = Map.of(
            "apps/v1 Deployment", "deployment-apps-v1.json",
            "v1 Service", "service-v1.json",
            "v1 ConfigMap", "configmap-v1.json",
            "policy/v1 PodDisruptionBudget", "poddisruptionbudget-policy-v1.json",
            "monitoring.coreos.com/v1 ServiceMonitor", "servicemonitor_v1.json");
    private static final List<String> ROLES = List.of("INGEST", "PROJECTIONS", "HTTP", "NOTIFICATIONS", "INVOICING", "WEBHOOKS", "RECHARGES");

    @Test
    void every_kubernetes_document_is_valid_against_the_vendored_schema_of_its_kind() throws IOException {
        List<JsonNode> documents = kubernetesDocuments();
        for (JsonNode document : documents) {
            JsonSchema schema = kubernetesSchema(document);
            assertThat(schema.validate(document)).as(document.path("kind") + " " + document.path("metadata").path("name")).isEmpty();
        }
        JsonNode deployment = documents.stream().filter(d -> d.path("kind").asText().equals("Deployment")).findFirst().orElseThrow();
        JsonNode broken = deployment.deepCopy();
        ((ObjectNode) broken.path("spec").path("template").path("spec").path("containers").path(0)).put("livenesProbe", "typo");
        assertThat(kubernetesSchema(broken).validate(broken)).as("the schema does check: a misspelt field").isNotEmpty();
    }

    @Test
    void each_role_runs_in_its_own_deployment_probed_sized_protected_and_given_every_secret_by_reference() throws IOException {
        List<JsonNode> documents = kubernetesDocuments();
        Map<String, String> config = new java.util.HashMap<>();
        documents.stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
                .forEach(d -> d.path("data").fields().forEachRemaining(f -> config.put(d.path("metadata").path("name").asText() + "/" + f.getKey(), f.getValue().asText())));
        List<JsonNode> deployments = documents.stream().filter(d -> d.path("kind").asText().equals("Deployment")).toList();
        assertThat(deployments).extracting(d -> d.path("metadata").path("name").asText())
                .containsExactlyInAnyOrder("ledger-ingest", "ledger-processors", "ledger-http");
        Map<String, List<String>> runningRole = new java.util.HashMap<>();
        for (JsonNode deployment : deployments) {
            String name = deployment.path("metadata").path("name").asText();
            JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
            assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/actuator/health/readiness");
            assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).as(name).isEqualTo("/actuator/health/liveness");
            assertThat(container.path("resources").path("requests").has("memory")).as(name).isTrue();
            assertThat(container.path("resources").path("limits").has("memory")).as(name).isTrue();
            Map<String, JsonNode> env = new java.util.HashMap<>();
            container.path("env").forEach(e -> env.put(e.path("name").asText(), e));
            container.path("envFrom").forEach(from -> config.forEach((key, value) -> {
                if (key.startsWith(from.path("configMapRef").path("name").asText() + "/")) {
                    env.putIfAbsent(key.substring(key.indexOf('/') + 1), JSON.createObjectNode().put("value", value));
                }
            }));
            assertThat(REQUIRED).allSatisfy(variable -> assertThat(env).as(name + " " + variable).containsKey(variable));
            assertThat(SECRETS).allSatisfy(variable -> assertThat(env.get(variable).has("valueFrom") && !env.get(variable).has("value"))
                    .as(name + " " + variable + " comes from a Secret, never inlined").isTrue());
            for (String role : ROLES) {
                JsonNode flag = env.get("LEDGER_ROLES_" + role);
                assertThat(flag).as(name + " says whether it runs " + role).isNotNull();
                if (flag.path("value").asText().equals("true")) {
                    runningRole.computeIfAbsent(role, r -> new ArrayList<>()).add(name);
                }
            }
            JsonNode labels = deployment.path("spec").path("selector").path("matchLabels");
            assertThat(documents).as(name + " has a disruption budget of its own")
                    .anySatisfy(d -> assertThat(d.path("kind").asText().equals("PodDisruptionBudget")
                            && d.path("spec").path("selector").path("matchLabels").equals(labels)).isTrue());
        }
        assertThat(runningRole.keySet()).as("every role runs somewhere").containsExactlyInAnyOrderElementsOf(ROLES);
        assertThat(runningRole.values()).as("each role in one deployment").allSatisfy(d -> assertThat(d).hasSize(1));
        JsonNode api = documents.stream().filter(d -> d.path("kind").asText().equals("Service")
                && d.path("metadata").path("name").asText().equals("ledger")).findFirst().orElseThrow();
        assertThat(api.path("spec").path("selector").path("role").asText()).as("traffic only to the HTTP role").isEqualTo("http");
    }

    private static List<JsonNode> kubernetesDocuments() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(Files.readString(DEPLOY.resolve("k8s").resolve("ledger.yaml")))) {
            if (document != null) {
                documents.add(JSON.valueToTree(document));
            }
        }
        return documents;
    }

    /** Read as draft-07: their "$schema" names no draft, and would be fetched. */
    private static JsonSchema kubernetesSchema(JsonNode document) throws IOException {
        String file = KUBERNETES_SCHEMAS.get(document.path("apiVersion").asText() + " " + document.path("kind").asText());
        assertThat(file).as("a vendored schema for " + document.path("apiVersion") + " " + document.path("kind")).isNotNull();
        ObjectNode schema = (ObjectNode) JSON.readTree(DEPLOY.resolve("schemas").resolve("kubernetes").resolve(file).toFile());
        schema.remove("$schema");
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    }
}
