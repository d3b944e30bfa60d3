package io.jpod.api.access;

import io.jpod.error.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * The daemon's access token: a bearer credential for the API on TCP and the dashboard's login.
 * Made at first start (256 random bits) in a file only its owner can read; kept across restarts.
 * Never logged: only its file is named.
 */
public final class AccessToken {

    private final Path file;
    private final byte[] value;

    private AccessToken(Path file, byte[] value) {
        this.file = file;
        this.value = value;
    }

    /** Reads the token file, or makes it (mode 0600) when absent; refuses one others can read. */
    public static AccessToken load(Path file) {
        try {
            if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                try {
                    Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(
                            PosixFilePermissions.fromString("rw-------"))), HexFormat.of().formatHex(random) + "\n");
                } catch (FileAlreadyExistsException raced) {
                    // another start made it first: use theirs
                }
            }
            if (Files.isSymbolicLink(file) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                throw new ConfigException("the access token file " + file + " is not a regular file");
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            if (mode.stream().anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
                throw new ConfigException("the access token file " + file + " is readable by others (mode "
                        + PosixFilePermissions.toString(mode) + "): chmod 600 " + file);
            }
            String token = Files.readString(file).strip();
            if (token.length() < 32) {
                throw new ConfigException("the access token file " + file + " holds fewer than 32 characters");
            }
            return new AccessToken(file, token.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConfigException("cannot read or create the access token file " + file + ": " + e.getMessage(), e);
        }
    }

    public Path file() {
        return file;
    }

    /** Whether {@code candidate} is the token, in time that does not depend on how much of it matched. */
    public boolean matches(String candidate) {
        return candidate != null && MessageDigest.isEqual(value, candidate.strip().getBytes(StandardCharsets.UTF_8));
    }

    /** The token itself, for the login URL shown to the operator and for tests; never for logs. */
    public String value() {
        return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AccessToken[" + file + "]";
    }
}
