package dev.inference.ledger.service.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * axe-core, the accessibility engine, as npm publishes it: fetched once from the npm registry into target/ (the tests
 * install what they need), checked against the SHA-256 of the release this suite was written for, and its
 * {@code axe.min.js} read out of the package's tar.
 */
public final class Axe {

    private static final String VERSION = "4.10.2";
    private static final URI TARBALL = URI.create("https://registry.npmjs.org/axe-core/-/axe-core-" + VERSION + ".tgz");
    private static final String SHA256 = "9ea2d2d6917da998122bdacfd3b473e31ead53f4b87146c716a12edf89158100";
    private static final Path CACHED = Path.of("target", "axe-core-" + VERSION + ".tgz");

    private Axe() {
    }

    /** The source of {@code axe.min.js}, to run in a page. */
    public static String script() throws IOException, InterruptedException {
        if (!Files.exists(CACHED) || !SHA256.equals(sha256(Files.readAllBytes(CACHED)))) {
            HttpResponse<byte[]> response = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(TARBALL).build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200 || !SHA256.equals(sha256(response.body()))) {
                throw new IOException("axe-core " + VERSION + " from " + TARBALL + ": HTTP " + response.statusCode() + " or not the release expected");
            }
            Files.createDirectories(CACHED.getParent());
            Files.write(CACHED, response.body());
        }
        try (InputStream tar = new GZIPInputStream(Files.newInputStream(CACHED))) {
            return new String(entry(tar, "package/axe.min.js"), StandardCharsets.UTF_8);
        }
    }

    /** One file of a ustar archive: 512-byte headers (name at 0, octal size at 124), contents padded to 512 bytes. */
    private static byte[] entry(InputStream tar, String name) throws IOException {
        byte[] header = new byte[512];
        while (tar.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
            String entry = new String(header, 0, 100, StandardCharsets.US_ASCII).replace("\0", "");
            long size = Long.parseLong(new String(header, 124, 12, StandardCharsets.US_ASCII).replace("\0", "").trim(), 8);
            byte[] content = tar.readNBytes((int) size);
            tar.skipNBytes((512 - size % 512) % 512);
            if (entry.equals(name)) {
                return content;
            }
        }
        throw new IOException(name + " is not in the package");
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
