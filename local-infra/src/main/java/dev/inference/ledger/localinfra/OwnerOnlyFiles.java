package dev.inference.ledger.localinfra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only the service's user may read: a generated admin token, the generated webhook and audit signing keys. */
public final class OwnerOnlyFiles {

    private OwnerOnlyFiles() {
    }

    /**
     * A new empty file in {@code dir}, owner-only from its creation (never readable by others for a moment),
     * where the file system has POSIX permissions. Written first, then moved to its name, so that a crash
     * never leaves a half-written file behind under it.
     */
    public static Path createTemp(Path dir, String prefix) throws IOException {
        try {
            return Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            return Files.createTempFile(dir, prefix, ".tmp");
        }
    }

    /**
     * Writes {@code content} (and a line break) to a new owner-only {@code file}, never over one already there:
     * a key kept for good (a secret's encryption, a log's signatures) is generated once.
     */
    public static void writeOnce(Path file, String content) throws IOException {
        Path written = createTemp(Files.createDirectories(file.getParent()), "." + file.getFileName());
        Files.writeString(written, content + System.lineSeparator(), StandardCharsets.US_ASCII);
        Files.move(written, file); // no REPLACE_EXISTING
    }
}
