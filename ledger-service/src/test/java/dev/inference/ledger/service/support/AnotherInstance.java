package dev.inference.ledger.service.support;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Writes to the event store as a second ledger instance would, behind the back of this one: the
 * account this instance has cached is then one event behind the store.
 */
public final class AnotherInstance {

    private AnotherInstance() {
    }

    /** Appends a top-up to the account at its next sequence number, copied from its last top-up event. */
    public static void creditsTopUp(JdbcTemplate jdbc, String accountId, String topUpId, String amount, String balanceAfter) {
        int appended = jdbc.update("""
                INSERT INTO domainevententry (aggregateidentifier, sequencenumber, type, eventidentifier, metadata, payload,
                                              payloadrevision, payloadtype, timestamp)
                SELECT aggregateidentifier, (SELECT max(sequencenumber) + 1 FROM domainevententry WHERE aggregateidentifier = ?),
                       type, gen_random_uuid()::text, metadata,
                       convert_to(jsonb_set(jsonb_set(jsonb_set(convert_from(payload, 'UTF8')::jsonb,
                           '{topUpId}', to_jsonb(?::text)), '{amount,amount}', to_jsonb(?::text)),
                           '{balanceAfter,amount}', to_jsonb(?::text))::text, 'UTF8'),
                       payloadrevision, payloadtype, timestamp
                  FROM domainevententry WHERE aggregateidentifier = ? AND payloadtype LIKE '%TopUpCredited'
                 ORDER BY sequencenumber DESC LIMIT 1""", accountId, topUpId, amount, balanceAfter, accountId);
        if (appended != 1) {
            throw new IllegalStateException(accountId + " has no top-up to copy");
        }
    }
}
