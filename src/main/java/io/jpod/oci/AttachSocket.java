package io.jpod.oci;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A client of conmon's attach socket ({@code <bundle>/attach}, AF_UNIX SOCK_SEQPACKET, which the
 * JDK's socket channels do not offer): each packet from conmon is one stream byte (2 stdout,
 * 3 stderr) and the output; bytes sent to it are the container's stdin, and shutting down the
 * write side ends stdin.
 */
public final class AttachSocket implements Closeable {

    static {
        Native.register("c");
    }

    private static native int socket(int domain, int type, int protocol) throws LastErrorException;

    private static native int connect(int fd, byte[] addr, int len) throws LastErrorException;

    private static native int open(String path, int flags) throws LastErrorException;

    private static native long read(int fd, byte[] buf, long count) throws LastErrorException;

    private static native long write(int fd, byte[] buf, long count) throws LastErrorException;

    private static native int shutdown(int fd, int how) throws LastErrorException;

    private static native int close(int fd) throws LastErrorException;

    private static final int AF_UNIX = 1;
    private static final int SOCK_SEQPACKET = 5;
    private static final int SOCK_CLOEXEC = 02000000;
    private static final int O_PATH = 010000000;
    private static final int O_CLOEXEC = 02000000;
    private static final int O_WRONLY = 1;
    private static final int O_NONBLOCK = 04000;
    private static final int SHUT_WR = 1;
    private static final int SHUT_RDWR = 2;
    private static final int EINTR = 4;
    /** conmon sends at most 8192 bytes of output per packet, after its stream byte. */
    public static final int PACKET = 8193;

    private final int fd;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AttachSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Connects through {@code /proc/self/fd}, as podman does: a bundle path can be longer than the
     * 108 bytes a socket address holds.
     */
    public static AttachSocket connect(Path socketPath) throws IOException {
        int pathFd;
        try {
            pathFd = open(socketPath.toString(), O_PATH | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("opening " + socketPath + ": errno " + e.getErrorCode());
        }
        try {
            int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
            byte[] name = ("/proc/self/fd/" + pathFd).getBytes(StandardCharsets.US_ASCII);
            byte[] addr = new byte[110];
            addr[0] = AF_UNIX; // sun_family, little-endian short
            System.arraycopy(name, 0, addr, 2, name.length);
            try {
                connect(s, addr, 2 + name.length + 1);
            } catch (LastErrorException e) {
                close(s);
                throw new IOException("connecting to " + socketPath + ": errno " + e.getErrorCode());
            }
            return new AttachSocket(s);
        } catch (LastErrorException e) {
            throw new IOException("creating a socket: errno " + e.getErrorCode());
        } finally {
            close(pathFd);
        }
    }

    /** Blocks for the next packet; returns its length, 0 when conmon closed the socket. */
    public int read(byte[] packet) throws IOException {
        while (true) {
            try {
                return (int) read(fd, packet, packet.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("reading the attach socket: errno " + e.getErrorCode());
                }
            }
        }
    }

    public void write(byte[] data, int off, int len) throws IOException {
        byte[] chunk = off == 0 && len == data.length ? data : java.util.Arrays.copyOfRange(data, off, off + len);
        int done = 0;
        while (done < len) {
            byte[] rest = done == 0 ? chunk : java.util.Arrays.copyOfRange(chunk, done, len);
            try {
                done += (int) write(fd, rest, rest.length);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != EINTR) {
                    throw new IOException("writing the attach socket: errno " + e.getErrorCode());
                }
            }
        }
    }

    /** Ends the container's stdin (conmon closes it when the client's write side closes). */
    public void closeWrite() {
        try {
            shutdown(fd, SHUT_WR);
        } catch (LastErrorException ignored) {
            // already gone
        }
    }

    /** Wakes a blocked reader and releases the socket. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                shutdown(fd, SHUT_RDWR);
            } catch (LastErrorException ignored) {
                // not connected any more
            }
            try {
                close(fd);
            } catch (LastErrorException ignored) {
                // nothing left to release
            }
        }
    }

    /**
     * Sends a terminal size to conmon's {@code ctl} FIFO ({@code "1 <height> <width>\n"}); opened
     * without blocking, so a conmon that is gone is an error rather than a hang.
     */
    public static void resize(Path ctlFifo, int height, int width) throws IOException {
        int f;
        try {
            f = open(ctlFifo.toString(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new IOException("opening " + ctlFifo + ": errno " + e.getErrorCode());
        }
        try {
            byte[] msg = ("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII);
            write(f, msg, msg.length);
        } catch (LastErrorException e) {
            throw new IOException("writing " + ctlFifo + ": errno " + e.getErrorCode());
        } finally {
            close(f);
        }
    }
}
