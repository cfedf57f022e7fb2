package dev.inference.ledger.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

import dev.inference.ledger.kernel.account.BillingMode;
import dev.inference.ledger.accounts.AccountCommand.OpenAccount;
import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.ServiceStory;

/**
 * An instance without the projections and HTTP roles (as the ingest Deployment runs): it claims no segment
 * of the account views or the audit log, so an account it opens is not projected here, while the processors
 * of its other roles run; and it answers 404 on every path but its probes and metrics, however spelt.
 */
@TestPropertySource(properties = {"ledger.roles.projections=false", "ledger.roles.http=false"})
class RolesEndToEndTest extends ServiceStory {

    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    CommandGateway commands;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void an_instance_without_the_projections_role_claims_none_of_their_segments() throws InterruptedException {
        Await.until("the invoicing processor claims its segment", Duration.ofSeconds(30),
                () -> !streaming("invoicing").processingStatus().isEmpty());
        commands.sendAndWait(new OpenAccount("acct-unprojected", "Unprojected", BillingMode.PREPAID, "USD"));
        Thread.sleep(3000);
        assertThat(streaming("account-views").processingStatus()).isEmpty();
        assertThat(streaming("audit-log").processingStatus()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM tokenentry WHERE processorname IN ('account-views', 'audit-log') AND owner IS NOT NULL",
                Long.class)).as("no claim taken").isZero();
    }

    @Test
    void an_instance_without_the_http_role_serves_only_its_probes_and_metrics() {
        HttpApi api = new HttpApi(port);
        for (String path : new String[] {"/api/v1/accounts", "/api/v1/authorize?accountId=a", "/console", "/v3/api-docs",
                "/actuator/../api/v1/accounts", "/actuator/%2e%2e/api/v1/accounts", "/ACTUATOR/health/../../api/v1/accounts"}) {
            var answer = api.get(path, ADMIN);
            assertThat(answer.status()).as(path).isIn(400, 404);
        }
        var refused = api.get("/api/v1/accounts", ADMIN);
        assertThat(refused.body().path("type").asText()).endsWith("role-not-served");
        assertThat(api.get("/actuator/health/liveness", null).status()).isEqualTo(200);
        assertThat(api.text("/actuator/prometheus", ADMIN)[1]).contains("ledger_projection_lag");
    }

    private StreamingEventProcessor streaming(String name) {
        return processing.eventProcessor(name, StreamingEventProcessor.class).orElseThrow();
    }
}
