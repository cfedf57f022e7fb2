package dev.inference.ledger.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ReceiverAddressesTest {

    private static final ReceiverAddresses PUBLIC_ONLY = new ReceiverAddresses(false);

    @Test
    void loopback_private_link_local_multicast_and_unspecified_addresses_are_internal_in_ipv4_and_ipv6() throws Exception {
        for (String internal : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "172.31.255.255", "192.168.1.1", "169.254.169.254",
                "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1")) {
            assertThat(ReceiverAddresses.isInternal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("8.8.8.8", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888")) {
            assertThat(ReceiverAddresses.isInternal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void an_ipv4_mapped_ipv6_address_is_judged_by_its_ipv4_address() throws Exception {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 1};
        assertThat(ReceiverAddresses.isInternal(Inet6Address.getByAddress(null, mapped, -1))).isTrue();
        byte[] mappedPublic = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 8, 8, 8, 8};
        assertThat(ReceiverAddresses.isInternal(Inet6Address.getByAddress(null, mappedPublic, -1))).isFalse();
        assertThat(ReceiverAddresses.isInternal(InetAddress.getByName("::ffff:127.0.0.1"))).isTrue();
    }

    @Test
    void urls_to_internal_addresses_are_refused_unless_private_addresses_are_allowed() {
        for (String url : List.of("http://10.0.0.1/hook", "http://127.0.0.1:8080/hook", "https://[::1]/hook",
                "http://[::ffff:10.0.0.1]/hook", "http://localhost/hook")) {
            URI uri = PUBLIC_ONLY.requireValidUrl(url);
            assertThatThrownBy(() -> PUBLIC_ONLY.requireAllowed(uri)).as(url).isInstanceOf(WebhookRuleViolation.class)
                    .hasMessageContaining("loopback, private").extracting(e -> ((WebhookRuleViolation) e).code())
                    .isEqualTo(WebhookRuleViolation.ADDRESS_REFUSED);
            assertThat(new ReceiverAddresses(true).refusal(uri)).as(url).isEmpty();
        }
    }

    @Test
    void every_internal_range_is_refused_however_it_is_spelled_and_public_addresses_pass() {
        for (String address : List.of("0.0.0.0", "10.255.0.1", "100.64.0.1", "127.0.0.2", "169.254.169.254", "172.31.255.255",
                "192.0.0.8", "192.168.1.1", "198.18.0.1", "198.19.255.255", "224.0.0.1", "255.255.255.255",
                "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
                "::127.0.0.1", "::10.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::7f00:1", "2002:7f00:0001::", "2002:a9fe:a9fe::1")) {
            assertThat(ReceiverAddresses.isInternal(ip(address))).as(address).isTrue();
        }
        for (String address : List.of("93.184.216.34", "8.8.8.8", "100.128.0.1", "172.32.0.1", "198.20.0.1", "2606:4700::1111",
                "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:0808:0808::1")) {
            assertThat(ReceiverAddresses.isInternal(ip(address))).as(address).isFalse();
        }
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void a_name_is_refused_when_any_of_its_addresses_is_internal_which_is_checked_again_at_each_attempt() {
        Map<String, String[]> dns = new java.util.HashMap<>(Map.of("hooks.example.com", new String[] {"93.184.216.34"}));
        ReceiverAddresses addresses = new ReceiverAddresses(false, host -> {
            String[] answer = dns.get(host);
            if (answer == null) {
                throw new UnknownHostException(host);
            }
            InetAddress[] resolved = new InetAddress[answer.length];
            for (int i = 0; i < answer.length; i++) {
                resolved[i] = InetAddress.getByName(answer[i]);
            }
            return resolved;
        });
        URI uri = addresses.requireValidUrl("https://hooks.example.com/ledger");
        assertThat(addresses.refusal(uri)).isEmpty();
        dns.put("hooks.example.com", new String[] {"93.184.216.34", "10.1.2.3"});
        assertThat(addresses.refusal(uri)).get().asString().contains("private").doesNotContain("10.1.2.3");
        assertThat(addresses.refusal(addresses.requireValidUrl("https://nowhere.example.com/"))).get().asString()
                .contains("does not resolve");
    }

    @Test
    void a_url_must_be_http_or_https_with_a_host_no_credentials_and_at_most_2048_characters() {
        for (String url : new String[] {null, " ", "ftp://example.com/", "file:///etc/passwd", "https://user:pw@example.com/",
                "https://example.com/#frag", "https:///path", "not a url", "https://example.com/" + "a".repeat(2030)}) {
            assertThatThrownBy(() -> PUBLIC_ONLY.requireValidUrl(url)).as(String.valueOf(url)).isInstanceOf(WebhookRuleViolation.class)
                    .extracting(e -> ((WebhookRuleViolation) e).code()).isEqualTo(WebhookRuleViolation.INVALID_URL);
        }
        assertThat(PUBLIC_ONLY.requireValidUrl("https://example.com/" + "a".repeat(2028))).hasToString("https://example.com/"
                + "a".repeat(2028));
        assertThat(PUBLIC_ONLY.requireValidUrl("HTTP://Example.com:8443/hooks?x=1").getHost()).isEqualTo("Example.com");
    }
}
