package dev.inference.ledger.localinfra;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The embedded PostgreSQL's passwords, one per role, generated at its first start into a file beside its
 * data directory ({@code <data>/postgres.passwords}) that only the service's user may read or write. The
 * server trusts no connection: an operator reads the superuser's password from this file.
 */
public record EmbeddedPasswords(String superuser, String owner, String service) {

    private static final List<String> ROLES = List.of("postgres", DatabaseRoles.OWNER, DatabaseRoles.SERVICE);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    /** Where the passwords of the server whose data directory is {@code dataDir} are kept. */
    public static Path fileOf(Path dataDir) {
        return dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".passwords");
    }

    /** The passwords in the file, made now if it does not exist. */
    public static EmbeddedPasswords readOrCreate(Path dataDir) {
        Path file = fileOf(dataDir);
        if (!Files.exists(file)) {
            Properties generated = new Properties();
            SecureRandom random = new SecureRandom();
            for (String role : ROLES) {
                byte[] secret = new byte[24];
                random.nextBytes(secret);
                generated.setProperty(role, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
            }
            StringWriter text = new StringWriter();
            try {
                generated.store(text, "The embedded PostgreSQL's passwords (psql -h localhost -p <port> -U postgres ledger)");
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a StringWriter does not fail
            }
            writeOwnerOnly(file, text.toString());
        }
        return read(dataDir);
    }

    /** The passwords in the file; fails when there is none, when one is missing, or when others than its owner may read it. */
    public static EmbeddedPasswords read(Path dataDir) {
        Path file = fileOf(dataDir);
        Properties p = new Properties();
        try {
            if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY)) {
                throw new IllegalStateException(file + " may be read by others than its owner: make it rw------- (chmod 600)");
            }
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        for (String role : ROLES) {
            String password = p.getProperty(role);
            if (password == null || !password.matches("[A-Za-z0-9_-]{32}")) {
                throw new IllegalStateException(file + " has no valid password for " + role);
            }
        }
        return new EmbeddedPasswords(p.getProperty(ROLES.get(0)), p.getProperty(ROLES.get(1)), p.getProperty(ROLES.get(2)));
    }

    /** A file only its owner may read: the superuser's password alone, as initdb's --pwfile takes it. */
    static Path superuserFile(Path dataDir, String password) {
        Path file = fileOf(dataDir).resolveSibling(dataDir.getFileName() + ".initdb-password");
        try {
            Files.deleteIfExists(file); // left by a start that died before initdb ran
        } catch (IOException e) {
            throw new UncheckedIOException("cannot replace " + file, e);
        }
        writeOwnerOnly(file, password + "\n");
        return file;
    }

    /**
     * Written whole beside it, then moved into place: a crash leaves either no file or a complete one. Created with
     * its permissions, never widened after: no instant in which another user could read it.
     */
    private static void writeOwnerOnly(Path file, String content) {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8, StandardOpenOption.WRITE)) {
                out.write(content);
            }
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
