package dev.inference.ledger.service.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.inference.ledger.service.support.Await;
import dev.inference.ledger.service.support.HttpApi;
import dev.inference.ledger.service.support.ServiceStory;

/** A token is minted, listed without its secret, used, revoked or left to expire, and then refused. */
class TokenLifecycleTest extends ServiceStory {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void a_minted_token_is_listed_without_its_secret_and_a_revoked_one_is_refused_at_once() {
        HttpApi api = new HttpApi(port);
        assertThat(api.post("/api/v1/accounts", ADMIN, "{\"accountId\":\"acct-t\",\"name\":\"T\"}").status()).isEqualTo(201);
        HttpApi.Response minted = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"staff\",\"accountId\":\"acct-t\"}");
        assertThat(minted.status()).isEqualTo(201);
        String token = minted.body().get("token").asText();
        String tokenId = minted.body().get("tokenId").asText();
        Await.until("the account is projected", Duration.ofSeconds(30), () -> api.get("/api/v1/accounts/acct-t", token).status() == 200);

        HttpApi.Response list = api.get("/api/v1/tokens", ADMIN);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.body().toString()).contains(tokenId, "acct-t", "lastUsedAt").doesNotContain(token);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_tokens WHERE token_hash = ?", Long.class, token)).isZero();

        assertThat(api.delete("/api/v1/tokens/" + tokenId, ADMIN).status()).isEqualTo(204);
        HttpApi.Response refused = api.get("/api/v1/accounts/acct-t", token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().get("type").asText()).isEqualTo("/problems/invalid-token");
        assertThat(api.delete("/api/v1/tokens/tok_nosuch", ADMIN).status()).isEqualTo(404);
    }

    @Test
    void a_token_revoked_through_another_instance_is_refused_here_within_seconds() {
        HttpApi api = new HttpApi(port);
        HttpApi.Response minted = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"auditor\"}");
        String token = minted.body().get("token").asText();
        assertThat(api.get("/api/v1/prices", token).status()).isEqualTo(200);

        // another instance revokes it: only the shared table changes
        jdbc.update("UPDATE api_tokens SET revoked_at = now() WHERE token_id = ?", minted.body().get("tokenId").asText());

        Await.until("the revoked token is refused", ApiTokens.REMEMBERED.plusSeconds(3),
                () -> api.get("/api/v1/prices", token).status() == 401);
    }

    @Test
    void a_token_past_its_expiry_is_refused() {
        HttpApi api = new HttpApi(port);
        Instant soon = Instant.now().plusSeconds(2);
        HttpApi.Response minted = api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\",\"expiresAt\":\"" + soon + "\"}");
        assertThat(minted.status()).isEqualTo(201);
        String token = minted.body().get("token").asText();
        assertThat(api.get("/api/v1/prices", token).status()).isEqualTo(200);

        Await.until("the expired token is refused", Duration.ofSeconds(10), () -> api.get("/api/v1/prices", token).status() == 401);
        assertThat(api.post("/api/v1/tokens", ADMIN, "{\"role\":\"gateway\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}").status())
                .isEqualTo(422);
    }

    @Test
    void a_malformed_authorization_header_is_a_problem_document_not_a_login_page() {
        HttpApi api = new HttpApi(port);
        HttpApi.Response basic = api.call("GET", "/api/v1/prices", null, null, "Authorization", "Basic YWRtaW46YWRtaW4=");
        assertThat(basic.status()).isEqualTo(401);
        assertThat(basic.contentType()).startsWith("application/problem+json");
        assertThat(api.get("/api/v1/prices", "lt_" + "x".repeat(5_000)).status()).isEqualTo(401);
    }
}
