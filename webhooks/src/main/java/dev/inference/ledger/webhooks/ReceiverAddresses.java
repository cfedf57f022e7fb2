package dev.inference.ledger.webhooks;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the ledger agrees to send webhooks. The URL's shape is checked when a subscription is made;
 * the addresses its host resolves to are checked then and again before every attempt, since DNS may
 * change: loopback, private, link-local, reserved, multicast and unspecified addresses (IPv4 and IPv6, and
 * IPv6 forms that carry an IPv4 address) would let a subscriber make the ledger call into its own network.
 * Refused in every mode unless {@code ledger.webhooks.allow-private-addresses} is set on purpose (tests).
 */
public final class ReceiverAddresses {

    static final int MAX_URL = 2048;

    /** Resolves a host name; the JDK's resolver in service, a fixed answer in a unit test. */
    @FunctionalInterface
    interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Resolver resolver;

    ReceiverAddresses(boolean allowPrivate, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.resolver = resolver;
    }

    public ReceiverAddresses(boolean allowPrivate) {
        this(allowPrivate, InetAddress::getAllByName);
    }

    /** The URL, or a refusal: at most 2,048 characters, http or https, a host, no user info, no fragment. */
    URI requireValidUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url is required");
        }
        if (url.length() > MAX_URL) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url is " + url.length() + " characters long; at most "
                    + MAX_URL + " are accepted");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url is not a valid URI");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url must be http or https");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url must not carry user info (credentials)");
        }
        if (uri.getRawFragment() != null) {
            throw new WebhookRuleViolation(WebhookRuleViolation.INVALID_URL, "url must not carry a fragment");
        }
        return uri;
    }

    /** Why the ledger will not call this URL's host now, if it will not: an address it resolves to, or no address. */
    Optional<String> refusal(URI uri) {
        if (allowPrivate) {
            return Optional.empty();
        }
        String host = uri.getHost();
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (UnknownHostException e) {
            return Optional.of("the host " + host + " does not resolve");
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                // Which address is not said: the answer would map the internal network for whoever asks.
                return Optional.of("the host " + host + " resolves to a loopback, private, link-local, multicast, reserved or unspecified address");
            }
        }
        return Optional.empty();
    }

    void requireAllowed(URI uri) {
        refusal(uri).ifPresent(reason -> {
            throw new WebhookRuleViolation(WebhookRuleViolation.ADDRESS_REFUSED, reason);
        });
    }

    static boolean isInternal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isIpv4Mapped(b) || isIpv4Compatible(b) || isNat64(b)) {
                return isInternalV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
                // 2002::/16, 6to4: the IPv4 address it tunnels to is in bytes 2 to 5.
                return isInternalV4(new byte[] {b[2], b[3], b[4], b[5]});
            }
            // fc00::/7, unique local: IPv6's private range, which the JDK has no test for.
            return address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                    || address.isSiteLocalAddress() || address.isMulticastAddress() || (b[0] & 0xfe) == 0xfc;
        }
        return address instanceof Inet4Address && isInternalV4(address.getAddress());
    }

    /** ::a.b.c.d, deprecated but still routed by some stacks to the IPv4 address. */
    private static boolean isIpv4Compatible(byte[] b) {
        for (int i = 0; i < 12; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** 64:ff9b::/96, the well-known NAT64 prefix: a translator forwards it to the IPv4 address in its last bytes. */
    private static boolean isNat64(byte[] b) {
        if (b[0] != 0 || (b[1] & 0xff) != 0x64 || (b[2] & 0xff) != 0xff || (b[3] & 0xff) != 0x9b) {
            return false;
        }
        for (int i = 4; i < 12; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /**
     * 0/8, 10/8, 100.64/10 (carrier-grade NAT), 127/8, 169.254/16 (link-local, cloud metadata), 172.16/12,
     * 192.0.0/24 (IETF protocol assignments), 192.168/16, 198.18/15 (benchmarking), 224/4 and above.
     */
    private static boolean isInternalV4(byte[] b) {
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        int third = b[2] & 0xff;
        return first == 0 || first == 10 || first == 127 || first >= 224
                || (first == 100 && second >= 64 && second < 128)
                || (first == 169 && second == 254)
                || (first == 172 && second >= 16 && second < 32)
                || (first == 192 && second == 0 && third == 0)
                || (first == 192 && second == 168)
                || (first == 198 && (second == 18 || second == 19));
    }
}
