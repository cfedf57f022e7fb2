package dev.inference.ledger.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reference pages made from the code (every event type, every HTTP operation, every configuration property), checked
 * by the build: a test makes the page's generated block and fails when the file holds another. Run the test with
 * {@code -Ddocs.write=true} to write the block instead, then commit the page.
 */
public final class GeneratedDocs {

    private static final String WRITE = "docs.write";

    private GeneratedDocs() {
    }

    /**
     * Checks that {@code doc} holds {@code content} between the lines {@code begin} and {@code end}; the text around them
     * is the page's own. Returns a message for the assertion when it does not, or null.
     */
    public static String check(Path doc, String begin, String end, String content) throws IOException {
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            return doc + " has no generated block between '" + begin + "' and '" + end + "'";
        }
        String updated = text.substring(0, from + begin.length()) + "\n" + content + text.substring(to);
        if (Boolean.getBoolean(WRITE)) {
            Files.writeString(doc, updated, StandardCharsets.UTF_8);
            return null;
        }
        return text.equals(updated) ? null : doc + " is not what the code declares: regenerate it with -D" + WRITE + "=true";
    }
}
