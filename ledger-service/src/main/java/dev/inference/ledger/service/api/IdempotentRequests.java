package dev.inference.ledger.service.api;

import java.util.List;
import java.util.function.Supplier;

import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import dev.inference.ledger.processing.OwnUnitOfWork;
import dev.inference.ledger.service.security.Sha256;
import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP writes keyed by {@code Idempotency-Key}. The key is claimed in the same transaction as the
 * write it guards: the same key and body get the first answer again, another body a 409. A second
 * request racing the first waits on the key's row and then replays the first answer.
 */
@Component
public class IdempotentRequests {

    static final int MAX_KEY_LENGTH = 256;
    static final int MAX_ATTEMPTS = 5;

    private final TransactionManager transactions;
    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public IdempotentRequests(TransactionManager transactions, JdbcTemplate jdbc, JsonMapper json) {
        this.transactions = transactions;
        this.jdbc = jdbc;
        this.json = json;
    }

    public record Answer(int status, Object body) {
    }

    private record Stored(String requestHash, int status, String body) {
    }

    public ResponseEntity<String> once(String scope, String key, Object request, Supplier<Answer> write) {
        if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw ApiException.badRequest("invalid-idempotency-key", "Idempotency-Key must be 1-" + MAX_KEY_LENGTH + " characters");
        }
        String requestHash = Sha256.hex(json.writeValueAsString(request));
        for (int attempt = 1; ; attempt++) {
            try {
                return attempt(scope, key, requestHash, write);
            } catch (ConcurrencyException e) {
                // Another instance wrote to the same account first; the rolled-back state is forgotten,
                // so the whole request runs again against the account as it now is.
                if (attempt == MAX_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * The transaction belongs to a root Axon unit of work, so the account's lock is released and its cached
     * state shown to other commands only after the write committed (or forgotten after it rolled back).
     */
    private ResponseEntity<String> attempt(String scope, String key, String requestHash, Supplier<Answer> write) {
        return OwnUnitOfWork.call(transactions, () -> {
            int claimed = jdbc.update("""
                    INSERT INTO idempotent_requests (scope, idempotency_key, request_hash, status, response_body)
                    VALUES (?, ?, ?, 0, '') ON CONFLICT DO NOTHING""", scope, key, requestHash);
            if (claimed == 1) {
                Answer answer = write.get();
                String body = json.writeValueAsString(answer.body());
                jdbc.update("UPDATE idempotent_requests SET status = ?, response_body = ? WHERE scope = ? AND idempotency_key = ?",
                        answer.status(), body, scope, key);
                return respond(answer.status(), body);
            }
            List<Stored> stored = jdbc.query("""
                    SELECT request_hash, status, response_body FROM idempotent_requests WHERE scope = ? AND idempotency_key = ?""",
                    (rs, n) -> new Stored(rs.getString(1), rs.getInt(2), rs.getString(3)), scope, key);
            Stored first = stored.get(0);
            if (!first.requestHash().equals(requestHash)) {
                throw new ApiException(409, "idempotency-key-reused", "Conflict",
                        "this Idempotency-Key was used with a different request");
            }
            return respond(first.status(), first.body());
        });
    }

    /** An answer given without a key: the same shape as one replayed. */
    static ResponseEntity<String> respond(Answer answer, IdempotentRequests requests) {
        return respond(answer.status(), requests.json.writeValueAsString(answer.body()));
    }

    private static ResponseEntity<String> respond(int status, String body) {
        return ResponseEntity.status(status).contentType(status >= 400 ? MediaType.APPLICATION_PROBLEM_JSON : MediaType.APPLICATION_JSON)
                .body(body);
    }
}
