package dev.inference.ledger.service.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only the service's user may read: a generated admin token, the generated webhook key. */
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
}
