package dev.inference.ledger.service.runtime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;

import dev.inference.ledger.localinfra.EmbeddedPasswords;
import dev.inference.ledger.localinfra.EmbeddedPostgresServer;
import dev.inference.ledger.localinfra.InProcessKafka;

/**
 * The embedded defaults, so that the service runs on a machine with only a JDK: without
 * {@code LEDGER_DB_URL} it starts PostgreSQL from packaged binaries with its data under
 * {@code LEDGER_DATA_DIR} (default {@code ./.data}); without {@code LEDGER_KAFKA_BOOTSTRAP} a real Kafka
 * broker in this JVM on localhost:9092. Both are handed to Spring as system properties, and so is
 * {@code ledger.runtime.embedded=true} when both were started here: only then may the bootstrap admin
 * token be generated (AdminTokenBootstrap). Database URLs are logged without their parameters, where
 * a user or password may be.
 */
public final class EmbeddedInfrastructure {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedInfrastructure.class);
    static final int EMBEDDED_POSTGRES_PORT = 54329;
    static final int EMBEDDED_KAFKA_PORT = 9092;

    private EmbeddedInfrastructure() {
    }

    public static void startWhatIsNotConfigured(Map<String, String> env) {
        quietThirdPartyLogs();
        Path dataDir = Path.of(env.getOrDefault("LEDGER_DATA_DIR", ".data")).toAbsolutePath();
        System.setProperty("ledger.runtime.data-dir", dataDir.toString());
        boolean embeddedDatabase = isBlank(env.get("LEDGER_DB_URL"));
        List<AutoCloseable> started = new ArrayList<>();
        boolean embeddedKafka = isBlank(env.get("LEDGER_KAFKA_BOOTSTRAP"));
        System.setProperty("ledger.runtime.embedded", String.valueOf(embeddedDatabase && embeddedKafka));
        if (embeddedDatabase) {
            int port = Integer.parseInt(env.getOrDefault("LEDGER_EMBEDDED_DB_PORT", String.valueOf(EMBEDDED_POSTGRES_PORT)));
            EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(dataDir.resolve("postgres"), port);
            System.setProperty("spring.datasource.url", postgres.jdbcUrl());
            System.setProperty("spring.datasource.username", postgres.serviceUser());
            System.setProperty("spring.datasource.password", postgres.passwords().service());
            System.setProperty("spring.flyway.user", postgres.ownerUser());
            System.setProperty("spring.flyway.password", postgres.passwords().owner());
            started.add(postgres);
            log.info("database: embedded PostgreSQL at {} as {} (migrations as {}; data in {}; every role's password in {}); "
                            + "set LEDGER_DB_URL to use your own", postgres.jdbcUrl(), postgres.serviceUser(), postgres.ownerUser(),
                    dataDir.resolve("postgres"), EmbeddedPasswords.fileOf(dataDir.resolve("postgres")));
        } else {
            migrationsAsOwner(env);
            log.info("database: {}", withoutCredentials(env.get("LEDGER_DB_URL")));
        }
        if (embeddedKafka) {
            int kafkaPort = Integer.parseInt(env.getOrDefault("LEDGER_EMBEDDED_KAFKA_PORT", String.valueOf(EMBEDDED_KAFKA_PORT)));
            InProcessKafka kafka = InProcessKafka.start(kafkaPort, dataDir.resolve("kafka"));
            System.setProperty("ledger.kafka.bootstrap-servers", kafka.bootstrapServers());
            started.add(kafka);
            log.info("kafka: in-process broker (KRaft) at {} (log in {}); set LEDGER_KAFKA_BOOTSTRAP to use your own",
                    kafka.bootstrapServers(), dataDir.resolve("kafka"));
        } else {
            log.info("kafka: {}", withoutCredentials(env.get("LEDGER_KAFKA_BOOTSTRAP")));
        }
        // Stopped only after Spring has closed the service (intake stopped, batches committed, processors
        // shut down), the broker before the database: a JVM shutdown hook of their own would race it.
        SpringApplication.getShutdownHandlers().add(() -> {
            for (int i = started.size() - 1; i >= 0; i--) {
                closeQuietly(started.get(i));
            }
        });
    }

    /**
     * The migrations run as the tables' owner when one is named; the service's own login then gets only
     * what the afterMigrate callback grants it (without one, the service's user owns everything).
     */
    private static void migrationsAsOwner(Map<String, String> env) {
        if (!isBlank(env.get("LEDGER_DB_OWNER_USER"))) {
            System.setProperty("spring.flyway.user", env.get("LEDGER_DB_OWNER_USER"));
            System.setProperty("spring.flyway.password", env.getOrDefault("LEDGER_DB_OWNER_PASSWORD", ""));
        }
    }

    /** Spring has not configured logging yet; without this the broker and initdb fill the screen. */
    private static void quietThirdPartyLogs() {
        for (String name : new String[] {"io.zonky", "kafka", "org.apache.kafka", "state.change.logger"}) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    /**
     * Scheme, host, port and database only: a JDBC URL may carry {@code user=}/{@code password=} (or
     * {@code sslpassword=}, {@code sslkey=}) among its parameters, or a {@code user:password@} part.
     */
    static String withoutCredentials(String url) {
        String noUserInfo = url.strip().replaceFirst("//[^/@?;]*@", "//");
        int parameters = indexOfAny(noUserInfo, '?', ';');
        return parameters < 0 ? noUserInfo : noUserInfo.substring(0, parameters) + "?…";
    }

    private static int indexOfAny(String text, char a, char b) {
        int first = text.indexOf(a);
        int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }

    private static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("could not stop {} cleanly: {}", closeable, e.toString());
        }
    }

}
