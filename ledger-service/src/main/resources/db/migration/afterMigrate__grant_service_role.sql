-- After every migration: the service's login may read and write what it keeps, but only append to the
-- event store and the audit log, and not touch the migrations' history. Nothing to do when the
-- service's user is the owner that ran the migrations (then only the triggers guard the audit log).
DO $$
DECLARE
    service text := '${servicerole}';
    here    text := current_schema();
BEGIN
    IF service = '' OR service = current_user THEN
        RETURN;
    END IF;
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', here, service);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA %I TO %I', here, service);
    EXECUTE format('GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA %I TO %I', here, service);
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON domainevententry, audit_log, audit_nodes, audit_checkpoints FROM %I', service);
    EXECUTE format('REVOKE ALL ON flyway_schema_history FROM %I', service);
END $$;
