-- Run once as a superuser on the PostgreSQL that holds the ledger. The service's Flyway migrations
-- create every table; the ledger's user owns them.
CREATE USER ledger WITH PASSWORD 'change-me';
CREATE DATABASE ledger OWNER ledger;
