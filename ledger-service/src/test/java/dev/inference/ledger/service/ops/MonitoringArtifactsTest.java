package dev.inference.ledger.service.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.Ledger;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/ name only metrics the running service
 * exports: a renamed metric fails here, not on an operator's empty panel or an alert that never fires.
 */
class MonitoringArtifactsTest extends ServiceStory {

    private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "inference-ledger.json");
    private static final Path ALERTS = Path.of("..", "deploy", "prometheus", "alerts.yml");
    private static final Pattern METRIC = Pattern.compile("\\b(ledger_[a-z0-9_]+|http_server_requests_seconds_[a-z]+)\\b");

    @Test
    void every_metric_a_panel_or_an_alert_names_is_exported_by_the_running_service() throws IOException {
        HttpApi api = new HttpApi(port);
        new Ledger(infra().database, api, ADMIN).openPrepaid(List.of("acct-metrics"), new BigDecimal("10.00"));
        assertThat(api.get("/api/v1/authorize?accountId=acct-metrics", ADMIN).status()).isEqualTo(200);
        String[] scrape = api.text("/actuator/prometheus", ADMIN);
        assertThat(scrape[0]).isEqualTo("200");
        Set<String> exported = new TreeSet<>();
        for (String line : scrape[1].split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                exported.add(line.split("[{ ]", 2)[0]);
            }
        }

        List<String> expressions = new ArrayList<>();
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        assertThat(dashboard.get("panels")).isNotEmpty();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.has("gridPos") && panel.get("targets").size() > 0).as(panel.get("title").asText()).isTrue();
            panel.get("targets").forEach(t -> expressions.add(t.get("expr").asText()));
        }
        Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> groups = (List<Map<String, Object>>) rules.get("groups");
        for (Map<String, Object> group : groups) {
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> alerts = (List<Map<String, Object>>) group.get("rules");
            for (Map<String, Object> alert : alerts) {
                assertThat(alert).as(String.valueOf(alert.get("alert"))).containsKeys("alert", "expr", "labels", "annotations");
                expressions.add(String.valueOf(alert.get("expr")));
            }
        }

        Set<String> named = new TreeSet<>();
        for (String expression : expressions) {
            Matcher m = METRIC.matcher(expression);
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        assertThat(named).as("the metrics the dashboard and the alerts name").hasSizeGreaterThan(10);
        assertThat(named.stream().filter(name -> !exported.contains(name)).toList()).as("named but not exported").isEmpty();
    }
}
