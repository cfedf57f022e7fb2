-- Run once as a superuser on the PostgreSQL that holds the ledger (psql: it switches database below).
-- Two roles, as the embedded mode has them: the owner runs the migrations (LEDGER_DB_OWNER_USER) and
-- owns every table; the service logs in as ledger_service (LEDGER_DB_USER), which the migrations'
-- afterMigrate callback grants everything but UPDATE, DELETE and TRUNCATE of the event store and the
-- audit log. Neither is a superuser: a superuser passes every privilege and may disable the audit
-- log's triggers, so keep that login away from the service and its operators' daily work.
CREATE ROLE ledger_owner LOGIN PASSWORD 'change-me-owner';
CREATE ROLE ledger_service LOGIN PASSWORD 'change-me';
CREATE DATABASE ledger OWNER ledger_owner;
\connect ledger
ALTER SCHEMA public OWNER TO ledger_owner;
