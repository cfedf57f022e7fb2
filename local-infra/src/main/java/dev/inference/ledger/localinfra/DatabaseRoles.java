package dev.inference.ledger.localinfra;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The two roles of a ledger database, as {@code deploy/postgres/create-database.sql} makes them in
 * production: an owner that runs the migrations and owns every table, and the service's login, which
 * the migrations' {@code afterMigrate} callback grants what it needs and no more (insert-only on the
 * event store and the audit log). Run as a superuser connected to the ledger's database; idempotent,
 * and it hands the owner any table an earlier superuser-run migration left behind.
 */
public final class DatabaseRoles {

    public static final String OWNER = "ledger_owner";
    public static final String SERVICE = "ledger_service";

    private DatabaseRoles() {
    }

    /** {@code password} null: none (trust authentication, as the embedded server has). */
    public static void prepare(Connection superuser, String password) throws SQLException {
        try (Statement s = superuser.createStatement()) {
            createRole(s, OWNER, password);
            createRole(s, SERVICE, password);
            s.execute("ALTER DATABASE " + currentDatabase(s) + " OWNER TO " + OWNER);
            s.execute("ALTER SCHEMA public OWNER TO " + OWNER);
            s.execute("""
                    DO $$
                    DECLARE r record;
                    BEGIN
                        FOR r IN SELECT c.oid::regclass AS name FROM pg_class c
                                  WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
                                    AND pg_get_userbyid(c.relowner) <> '%1$s'
                                    AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                                                       AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
                            EXECUTE format('ALTER TABLE %%s OWNER TO %1$s', r.name);
                        END LOOP;
                        FOR r IN SELECT p.oid::regprocedure AS name FROM pg_proc p
                                  WHERE p.pronamespace = 'public'::regnamespace AND pg_get_userbyid(p.proowner) <> '%1$s' LOOP
                            EXECUTE format('ALTER FUNCTION %%s OWNER TO %1$s', r.name);
                        END LOOP;
                    END $$""".formatted(OWNER));
        }
    }

    private static void createRole(Statement s, String role, String password) throws SQLException {
        String withPassword = password == null ? "" : " PASSWORD '" + password.replace("'", "''") + "'";
        // Roles belong to the whole server: two databases prepared at once may both try to create one.
        s.execute("""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '%1$s') THEN
                        CREATE ROLE %1$s LOGIN%2$s;
                    END IF;
                EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
                END $$""".formatted(role, withPassword));
    }

    private static String currentDatabase(Statement s) throws SQLException {
        try (var rs = s.executeQuery("SELECT quote_ident(current_database())")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
