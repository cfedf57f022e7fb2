package dev.inference.ledger.service.account.organisation;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;

import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.kernel.account.AccountEvent.ApiKeyIssued;
import dev.inference.ledger.kernel.account.AccountEvent.MemberAdded;
import dev.inference.ledger.kernel.account.AccountEvent.ProjectAdded;
import dev.inference.ledger.processing.AccountViews;

/** The organisation behind each account, for reading; a redelivered event changes nothing. */
@Component
@ProcessingGroup(AccountViews.GROUP)
public class OrganisationProjection {

    private final JdbcTemplate jdbc;

    public OrganisationProjection(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Project(String projectId, String name) {
    }

    public record Member(String memberId, String role) {
    }

    public record ApiKey(String apiKeyId, String projectId, String memberId) {
    }

    public record View(List<Project> projects, List<Member> members, List<ApiKey> apiKeys) {
    }

    @EventHandler
    void on(ProjectAdded event) {
        insert(event.accountId(), "project", event.projectId(), event.name(), null, null, null, event.addedAt());
    }

    @EventHandler
    void on(MemberAdded event) {
        insert(event.accountId(), "member", event.memberId(), null, event.role(), null, null, event.addedAt());
    }

    @EventHandler
    void on(ApiKeyIssued event) {
        insert(event.accountId(), "apiKey", event.apiKeyId(), null, null, event.projectId(), event.memberId(), event.issuedAt());
    }

    private void insert(String accountId, String kind, String scopeId, String name, String role, String projectId,
                        String memberId, Instant at) {
        jdbc.update("""
                INSERT INTO organisation_scopes (account_id, kind, scope_id, name, role, project_id, member_id, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""",
                accountId, kind, scopeId, name, role, projectId, memberId, Timestamp.from(at));
    }

    public View find(String accountId) {
        String sql = "SELECT * FROM organisation_scopes WHERE account_id = ? AND kind = ? ORDER BY scope_id";
        return new View(
                jdbc.query(sql, (rs, n) -> new Project(rs.getString("scope_id"), rs.getString("name")), accountId, "project"),
                jdbc.query(sql, (rs, n) -> new Member(rs.getString("scope_id"), rs.getString("role")), accountId, "member"),
                jdbc.query(sql, (rs, n) -> new ApiKey(rs.getString("scope_id"), rs.getString("project_id"), rs.getString("member_id")),
                        accountId, "apiKey"));
    }
}
