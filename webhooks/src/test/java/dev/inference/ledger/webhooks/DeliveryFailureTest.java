package dev.inference.ledger.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

class DeliveryFailureTest {

    @Test
    void a_failed_attempt_is_logged_as_a_category_never_in_the_sockets_own_words() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
            closedPort = socket.getLocalPort();
        }
        Throwable real = HttpClient.newHttpClient()
                .sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + closedPort + "/hook")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure).join();
        assertThat(DeliveryFailure.category(real)).isEqualTo("connection-refused").doesNotContain(String.valueOf(closedPort));

        assertThat(DeliveryFailure.category(new CompletionException(new ConnectException("Connection refused: 10.0.0.5:5432"))))
                .isEqualTo("connection-refused");
        assertThat(DeliveryFailure.category(new UnknownHostException("db.internal"))).isEqualTo("unknown-host");
        assertThat(DeliveryFailure.category(new HttpConnectTimeoutException("connect timed out: 10.0.0.5:9092"))).isEqualTo("connect-timeout");
        assertThat(DeliveryFailure.category(new IOException("wrapped", new SSLHandshakeException("PKIX path")))).isEqualTo("tls-error");
        assertThat(DeliveryFailure.category(new IOException("HTTP/1.1 header parser received no bytes from 10.0.0.5:6379")))
                .isEqualTo("network-error");
    }
}
