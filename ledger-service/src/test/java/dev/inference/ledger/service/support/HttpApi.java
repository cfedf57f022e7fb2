package dev.inference.ledger.service.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The ledger's HTTP API as a client sees it: real requests to the running application's port. */
public final class HttpApi {

    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String base;

    public HttpApi(int port) {
        this.base = "http://localhost:" + port;
    }

    public record Response(int status, String contentType, JsonNode body) {
    }

    public Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    /** A GET whose body is not JSON, without a token: status and text. */
    public String[] text(String path) {
        return text(path, null);
    }

    /** A GET whose body is not JSON: status and text. */
    public String[] text(String path, String token) {
        try {
            HttpResponse<String> response = client.send(request(path, token).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new String[] {String.valueOf(response.statusCode()), response.body()};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Response post(String path, String token, String body, String... headers) {
        return write("POST", path, token, body, headers);
    }

    public Response put(String path, String token, String body, String... headers) {
        return write("PUT", path, token, body, headers);
    }

    public Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    /** Any method, any (raw, already encoded) path; a null body sends none. */
    public Response call(String method, String path, String token, String body, String... headers) {
        return body == null ? send(request(path, token).method(method, HttpRequest.BodyPublishers.noBody()))
                : write(method, path, token, body, headers);
    }

    private Response write(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder builder = request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode tree = body == null || body.isEmpty() || !type.contains("json") ? null : json.readTree(body);
            // Every answer of the API in every story is held to the contract's number rule, not only the ones a test looks at.
            if (request.uri().getPath().startsWith("/api/")) {
                WireNumbers.check(request.method() + " " + request.uri().getPath(), tree);
            }
            return new Response(response.statusCode(), type, tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
