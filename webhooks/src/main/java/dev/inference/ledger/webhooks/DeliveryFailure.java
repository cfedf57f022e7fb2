package dev.inference.ledger.webhooks;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.CompletionException;

import javax.net.ssl.SSLException;

/**
 * What the delivery log says of an attempt that got no answer: a category, never the socket's own words,
 * which name addresses and ports and would let a caller map the network behind the ledger by pointing a
 * webhook at it.
 */
final class DeliveryFailure {

    static final String ADDRESS_REFUSED = "address-refused";
    static final String NOT_SIGNED = "not-signed";
    static final String UNKNOWN_HOST = "unknown-host";
    static final String CONNECTION_REFUSED = "connection-refused";
    static final String CONNECT_TIMEOUT = "connect-timeout";
    static final String TIMEOUT = "timeout";
    static final String TLS = "tls-error";
    static final String NETWORK = "network-error";

    private DeliveryFailure() {
    }

    static String category(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return UNKNOWN_HOST;
            }
            if (t instanceof HttpConnectTimeoutException) {
                return CONNECT_TIMEOUT;
            }
            if (t instanceof HttpTimeoutException) {
                return TIMEOUT;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return CONNECTION_REFUSED;
            }
            if (t instanceof SSLException) {
                return TLS;
            }
        }
        return NETWORK;
    }
}
