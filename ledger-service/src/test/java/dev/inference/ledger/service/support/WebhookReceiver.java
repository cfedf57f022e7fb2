package dev.inference.ledger.service.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.inference.ledger.kernel.webhook.WebhookSecret;
import dev.inference.ledger.kernel.webhook.WebhookVerificationException;
import dev.inference.ledger.kernel.webhook.WebhookVerifier;

/**
 * A customer's webhook endpoint on 127.0.0.1, as a Java receiver would write it with the shared kernel's
 * verifier: each path answers as the test sets it up (so many refusals per webhook-id first, then a status),
 * and everything that arrives is kept, with whether its signature verified.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One request as it arrived, what the verifier said of it ({@code refusal} null when it verified) and the answer. */
    public record Received(String path, String webhookId, String timestamp, String signature, String body, String refusal,
                           int answered, java.time.Instant arrivedAt) {
        public Map<String, String> headers() {
            return Map.of("webhook-id", webhookId, "webhook-timestamp", timestamp, "webhook-signature", signature);
        }
    }

    private record Route(int refusalsPerWebhook, int refusalStatus, int status) {
    }

    private final HttpServer server;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private final Map<String, List<WebhookSecret>> trusted = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> arrivals = new ConcurrentHashMap<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    private final Clock clock;

    public WebhookReceiver() throws IOException {
        this(Clock.systemUTC());
    }

    /** A receiver whose clock is the ledger's, for a story that moves it (the timestamps it checks are the ledger's). */
    public WebhookReceiver(Clock clock) throws IOException {
        this.clock = clock;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code path} answers {@code refusalStatus} to the first {@code refusals} arrivals of each webhook-id, then {@code status}. */
    public String route(String path, int refusals, int refusalStatus, int status) {
        routes.put(path, new Route(refusals, refusalStatus, status));
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The secrets the receiver of {@code path} verifies with, as it got them from the ledger. */
    public void trust(String path, String... secrets) {
        trusted.put(path, java.util.Arrays.stream(secrets).map(WebhookSecret::parse).toList());
    }

    public List<Received> at(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        var headers = exchange.getRequestHeaders();
        String refusal = null;
        try {
            new WebhookVerifier(trusted.getOrDefault(path, List.of(WebhookSecret.generate(new java.security.SecureRandom()))),
                    clock).verify(headers::getFirst, body);
        } catch (WebhookVerificationException e) {
            refusal = e.getMessage();
        }
        Route route = routes.getOrDefault(path, new Route(0, 0, 404));
        String id = String.valueOf(headers.getFirst("webhook-id"));
        int arrival = arrivals.computeIfAbsent(path + " " + id, k -> new AtomicInteger()).incrementAndGet();
        int status = refusal != null ? 401 : arrival <= route.refusalsPerWebhook() ? route.refusalStatus() : route.status();
        received.add(new Received(path, id, headers.getFirst("webhook-timestamp"), headers.getFirst("webhook-signature"),
                new String(body, StandardCharsets.UTF_8), refusal, status, java.time.Instant.now()));
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
