package io.jpod.api.access;

import io.jpod.error.ConfigException;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** The socket files on disk: made ready before the server binds them, restricted after. */
final class SocketFiles {

    private static final Log LOG = LogFactory.getLog(SocketFiles.class);
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private SocketFiles() {}

    /**
     * Makes {@code path} free to bind: creates its directory, and removes a socket a crashed daemon
     * left behind. Refuses a symlink (it would be followed by whoever uses it), any other kind of
     * file, and a socket someone still listens on.
     */
    static void prepare(Path path) {
        try {
            Path dir = path.toAbsolutePath().getParent();
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rwxr-xr-x")));
            }
            if (Files.isSymbolicLink(path)) {
                throw new ConfigException("refusing to listen on " + path + ": it is a symbolic link (to "
                        + Files.readSymbolicLink(path) + "); remove it if it is not needed");
            }
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if ((mode & S_IFMT) != S_IFSOCK) {
                throw new ConfigException("refusing to listen on " + path + ": it exists and is not a socket; "
                        + "remove it if it is not needed");
            }
            if (listening(path)) {
                throw new ConfigException("refusing to listen on " + path + ": another daemon is listening on it");
            }
            LOG.info("removing the stale socket " + path + " (nobody listens on it)");
            Files.delete(path);
        } catch (IOException e) {
            throw new ConfigException("cannot prepare the socket " + path + ": " + e.getMessage(), e);
        }
    }

    static boolean listening(Path path) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Mode 0660 and group {@code group}; without that group only root can use it, and that is said. */
    static void restrict(Path path, String group) {
        try {
            if (Files.isSymbolicLink(path)) {
                throw new IOException("it has become a symbolic link");
            }
            // Tomcat made it 0660 already; again, in case of a server that does not. (The JDK's no-follow
            // chmod opens the file, which a socket refuses: the link check above stands in for it.)
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (group == null || group.isBlank()) {
                return;
            }
            GroupPrincipal g;
            try {
                g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(group);
            } catch (UserPrincipalNotFoundException e) {
                LOG.warn("the group '" + group + "' does not exist: only root can use " + path
                        + " (create it with: groupadd --system " + group + ")");
                return;
            }
            view.setGroup(g);
        } catch (IOException e) {
            LOG.warn("cannot give " + path + " mode 0660 and group '" + group + "': " + e.getMessage());
        }
    }
}
