package dev.inference.ledger.service.config;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import org.axonframework.commandhandling.CommandBus;
import org.axonframework.common.Registration;
import org.axonframework.common.caching.Cache;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.eventsourcing.eventstore.jpa.SQLStateResolver;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.SnapshotTriggerDefinition;
import org.axonframework.eventsourcing.Snapshotter;
import org.axonframework.eventsourcing.SnapshotterSpanFactory;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.snapshotting.RevisionSnapshotFilter;
import org.axonframework.messaging.annotation.HandlerDefinition;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.annotation.ParameterResolverFactory;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.axonframework.spring.messaging.unitofwork.SpringTransactionManager;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.transaction.PlatformTransactionManager;

import dev.inference.ledger.accounts.Account;
import dev.inference.ledger.service.account.RecordCountSnapshotTrigger;
import dev.inference.ledger.service.account.writers.AccountWriters;
import dev.inference.ledger.service.projection.AccountSequencing;
import dev.inference.ledger.service.projection.GapWatch;
import dev.inference.ledger.service.projection.ProcessorRoles;
import dev.inference.ledger.service.projection.ProcessorTokenStore;
import dev.inference.ledger.service.projection.LateEventRepair;
import dev.inference.ledger.accounts.UsageChargedUpcaster;
import dev.inference.ledger.service.account.registry.AccountRegistry;
import dev.inference.ledger.service.parking.EventParking;
import dev.inference.ledger.service.parking.ProcessorFailures;
import dev.inference.ledger.processing.AccountViews;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * Axon 4 on Spring Boot 4 by hand: its JDBC auto-configuration does not engage on Boot 4, and without
 * an explicit {@link SpringTransactionManager} Axon would run with no transactions at all.
 * Events, tokens and snapshots live in PostgreSQL (tables made by Flyway), serialized as JSON.
 */
@Configuration(proxyBeanMethods = false)
public class AxonConfiguration {

    private static final String UNIQUE_VIOLATION = "23505";

    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Events carry no correlation metadata: what caused each is in the event itself (the usage
     * {@code eventId}, the top-up's idempotency key). Axon's default trace and correlation ids cost a
     * typed metadata map per event, measured at 40% of the projections' deserialization time.
     */
    @Bean
    public CorrelationDataProvider noCorrelationMetadata() {
        return message -> Map.of();
    }

    /**
     * No event handler's failure is logged and passed over: Axon's default would go on with the next event
     * on a transaction the failure aborted, losing every later event of the batch. A failure rolls the
     * batch back and the processor retries it, shown on the health as eventProcessors DOWN meanwhile; the
     * account views park the one event that fails instead (EventParking) and go on with the others. A
     * failure of the account registry, which runs in the transaction that opens the account, fails that.
     */
    @Bean
    public ConfigurerModule processorsFailVisibly(EventParking parking, ProcessorFailures failures, LateEventRepair lateEvents) {
        return configurer -> configurer.eventProcessing()
                .registerDefaultListenerInvocationErrorHandler(c -> PropagatingErrorHandler.instance())
                .registerDefaultErrorHandler(c -> failures.recording())
                .registerDefaultHandlerInterceptor((c, processor) -> failures.clearing())
                .registerDefaultHandlerInterceptor((c, processor) -> lateEvents.interceptor(processor))
                .registerErrorHandler(AccountRegistry.GROUP, c -> PropagatingErrorHandler.instance())
                .registerErrorHandler(AccountViews.GROUP, c -> parking.isolating(failures.recording()))
                .registerHandlerInterceptor(AccountViews.GROUP, c -> parking.interceptor(AccountViews.GROUP));
    }

    /**
     * How the account views' segments split the stream (application.yml names this bean: Spring Boot gives every
     * processor it configures a policy of its own, the aggregate's by default).
     */
    @Bean
    public AccountSequencing accountSequencing() {
        return new AccountSequencing();
    }

    /** Every command on an account holds its usage partition, across instances, until its transaction ends (AccountWriters). */
    @Bean
    public Registration accountWritersOnTheCommandBus(CommandBus commandBus, AccountWriters writers) {
        return commandBus.registerHandlerInterceptor(writers.interceptor());
    }

    @Bean
    public TransactionManager axonTransactionManager(PlatformTransactionManager transactionManager) {
        return new SpringTransactionManager(transactionManager);
    }

    /**
     * The mapper for stored events, tokens and snapshots: records, Instants as ISO strings, amounts as
     * plain decimals ("0.000000000000", never "0E-12").
     */
    @Bean("defaultAxonObjectMapper")
    public ObjectMapper defaultAxonObjectMapper() {
        return new ObjectMapper()
                .registerModule(new JavaTimeModule())
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * Tokens and snapshots need type information for Axon's polymorphic tokens. It goes on a copy of
     * the mapper: default typing changes the mapper it is given, and on the events' mapper it would
     * write JDK class names (java.util.ImmutableCollections$List12) into the permanent event log.
     */
    @Bean
    @Primary
    public Serializer serializer(@Qualifier("defaultAxonObjectMapper") ObjectMapper mapper) {
        return JacksonSerializer.builder().objectMapper(mapper.copy()).defaultTyping().build();
    }

    @Bean
    @Qualifier("eventSerializer")
    public Serializer eventSerializer(@Qualifier("defaultAxonObjectMapper") ObjectMapper mapper) {
        return EventSerializer.of(mapper);
    }

    @Bean
    @Qualifier("messageSerializer")
    public Serializer messageSerializer(@Qualifier("defaultAxonObjectMapper") ObjectMapper mapper) {
        return JacksonSerializer.builder().objectMapper(mapper).build();
    }

    @Bean
    public ConnectionProvider axonConnectionProvider(DataSource dataSource) {
        // Hands Axon the connection of the Spring transaction in progress, so that events, the
        // dedupe keys and the consumer offsets share one transaction.
        return new SpringDataSourceConnectionProvider(dataSource);
    }

    /**
     * A unique violation (SQLSTATE 23505) on the event table means another writer appended to the
     * aggregate first: Axon then raises a ConcurrencyException, which callers retry. The error-code
     * resolver misses PostgreSQL's violation inside a batch insert and calls it a store failure.
     */
    @Bean
    public PersistenceExceptionResolver persistenceExceptionResolver() {
        return new SQLStateResolver(UNIQUE_VIOLATION);
    }

    @Bean
    public EventStorageEngine eventStorageEngine(ConnectionProvider connections, TransactionManager transactions,
                                                 @Qualifier("eventSerializer") Serializer eventSerializer,
                                                 Serializer snapshotSerializer,
                                                 PersistenceExceptionResolver exceptions,
                                                 @Value("${ledger.events.gap-timeout-ms:60000}") int gapTimeout,
                                                 @Value("${ledger.events.max-gap-offset}") int maxGapOffset) {
        return JdbcEventStorageEngine.builder()
                .connectionProvider(connections)
                .transactionManager(transactions)
                .eventSerializer(eventSerializer)
                .snapshotSerializer(snapshotSerializer)
                .persistenceExceptionResolver(exceptions)
                .dataType(byte[].class)
                .upcasterChain(new UsageChargedUpcaster())
                // A snapshot of another shape of the account is passed over: the account is replayed from its events.
                .snapshotFilter(RevisionSnapshotFilter.builder().type(Account.class).revision(Account.SNAPSHOT_REVISION).build())
                .gapTimeout(gapTimeout)
                // A gap is waited for until this many later events have been appended (application.yml).
                .maxGapOffset(maxGapOffset)
                // Events per fetch: a usage batch holds up to 1,000 records, so 100 events bound one fetch of an
                // account's events to about 100,000 records.
                .batchSize(100)
                .build();
    }

    /**
     * The store every processor reads through. Its cache is what lets processors of this process share
     * one read and one deserialization of each event; sized in events of up to 1,000 records each.
     */
    @Bean
    public EmbeddedEventStore eventStore(EventStorageEngine storageEngine,
                                         @Value("${ledger.events.cached-events:2000}") int cachedEvents,
                                         @Value("${ledger.events.fetch-delay-ms:100}") long fetchDelay) {
        return EmbeddedEventStore.builder()
                .storageEngine(storageEngine)
                .cachedEvents(cachedEvents)
                // Another instance's events are seen within this; Axon's 1 s would be the whole freshness budget.
                .fetchDelay(fetchDelay)
                .build();
    }

    @Bean
    public TokenStore tokenStore(ConnectionProvider connections, Serializer serializer, ProcessorRoles roles, GapWatch gaps) {
        return new ProcessorTokenStore(JdbcTokenStore.builder()
                .connectionProvider(connections)
                .serializer(serializer)
                .contentType(byte[].class)
                .build(), roles, gaps);
    }

    @Bean
    public Cache accountCache(@Value("${ledger.accounts.cache-size:20000}") int capacity) {
        return new AggregateCache(capacity);
    }

    /**
     * Snapshots are taken on their own thread, in their own transaction, after the charge committed:
     * a snapshot reads every event since the last one, which the ingest must not wait for.
     */
    @Bean
    public SpringAggregateSnapshotter aggregateSnapshotter(org.axonframework.config.Configuration configuration,
                                                           HandlerDefinition handlerDefinition,
                                                           ParameterResolverFactory parameterResolverFactory,
                                                           EventStore eventStore, TransactionManager transactionManager,
                                                           SnapshotterSpanFactory spanFactory) {
        return SpringAggregateSnapshotter.builder()
                .repositoryProvider(configuration::repository)
                .transactionManager(transactionManager)
                .eventStore(eventStore)
                .parameterResolverFactory(parameterResolverFactory)
                .handlerDefinition(handlerDefinition)
                .spanFactory(spanFactory)
                .executor(Executors.newSingleThreadExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "account-snapshots");
                    thread.setDaemon(true);
                    return thread;
                }))
                .build();
    }

    @Bean
    public SnapshotTriggerDefinition accountSnapshotTrigger(Snapshotter snapshotter,
                                                            @Value("${ledger.accounts.snapshot-every-records:10000}") int threshold) {
        return RecordCountSnapshotTrigger.every(snapshotter, threshold);
    }
}
