package io.jpod.api.stream;

import io.jpod.container.ContainerService;
import io.jpod.oci.AttachSocket;
import jakarta.servlet.http.WebConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The hijacked connection of {@code POST /containers/{id}/attach}: a client of conmon's attach
 * socket, relaying the container's output (Docker's stream format, raw for a terminal) until its
 * exit, then closing, and the client's input to the container's stdin.
 *
 * <p>Tomcat's internal upgrade interface, because closing a servlet {@code WebConnection} does not
 * close the socket until the next socket event, and podman's client reads until the server closes.
 */
public class AttachHandler implements InternalHttpUpgradeHandler {

    private static final Log LOG = LogFactory.getLog(AttachHandler.class);

    private boolean stdout;
    private boolean stderr;
    private boolean tty;
    private volatile SocketWrapperBase<?> socket;
    private final CountDownLatch ready = new CountDownLatch(1);
    private volatile java.util.concurrent.CompletableFuture<?> beforeClose;
    private String failure;
    private long headerGraceMs;

    private boolean stdin;
    private String name = "attach";
    private AttachSocket conmon;
    private final ByteArrayOutputStream pendingInput = new ByteArrayOutputStream();
    private boolean pendingEof;

    /**
     * Attaches through conmon's socket: now when the container runs, else at its next start
     * (before its process runs, so nothing is missed).
     */
    void configure(ContainerService containers, String id, boolean running, boolean in, boolean out,
            boolean err, boolean isTty) {
        this.name = "attach-" + id.substring(0, 12);
        this.stdin = in;
        this.stdout = out;
        this.stderr = err;
        this.tty = isTty;
        if (running) {
            connect(containers.attachSocket(id));
        } else {
            containers.onNextStart(id, this::connect);
        }
    }

    /**
     * For an exec session: returns what connects to its attach socket (the session calls it before
     * its process runs). The client is closed only once {@code exited} completes, so the exit code
     * is recorded when the client asks for it right after the output ends.
     */
    void configureExec(String sessionId, AttachSocket connected, boolean in, boolean isTty,
            java.util.concurrent.CompletableFuture<?> exited, long graceMs) {
        this.headerGraceMs = graceMs;
        this.name = "exec-" + sessionId.substring(0, 12);
        this.stdin = in;
        this.stdout = true;
        this.stderr = true;
        this.tty = isTty;
        this.beforeClose = exited;
        adopt(connected);
    }

    /** Sends one error message on stderr, then closes. */
    void configureFailure(String message, boolean isTty) {
        this.failure = message;
        this.tty = isTty;
    }

    private void connect(Path attachSocket) {
        AttachSocket c;
        try {
            c = AttachSocket.connect(attachSocket);
        } catch (IOException e) {
            LOG.warn("attaching to conmon's socket " + attachSocket + " failed: " + e.getMessage());
            ready.countDown();
            closeClient();
            return;
        }
        adopt(c);
    }

    /** Takes a connected socket: early input goes in, and the output pump starts. */
    private void adopt(AttachSocket c) {
        synchronized (pendingInput) {
            try {
                if (pendingInput.size() > 0) {
                    c.write(pendingInput.toByteArray(), 0, pendingInput.size());
                }
            } catch (IOException e) {
                LOG.debug("forwarding early input: " + e.getMessage());
            }
            if (pendingEof) {
                c.closeWrite();
            }
            conmon = c;
        }
        Thread t = new Thread(() -> pump(c), name);
        t.setDaemon(true);
        t.start();
    }

    /** conmon's packets (stream byte + data) to the client, until conmon closes at the container's exit. */
    private void pump(AttachSocket c) {
        try {
            ready.await();
            if (headerGraceMs > 0) {
                Thread.sleep(headerGraceMs);
            }
            OutputStream out = clientStream();
            byte[] packet = new byte[AttachSocket.PACKET];
            int n;
            while ((n = c.read(packet)) > 0) {
                int stream = packet[0];
                if ((stream == 2 && stdout) || (stream == 3 && stderr)) {
                    Frames.write(out, stream == 2 ? 1 : 2, java.util.Arrays.copyOfRange(packet, 1, n), tty);
                    out.flush();
                }
            }
        } catch (IOException e) {
            LOG.debug("attach ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.close();
            var last = beforeClose;
            if (last != null) {
                try {
                    last.get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception notYet) {
                    LOG.debug("closing before the exit was recorded: " + notYet);
                }
            }
            closeClient();
        }
    }

    private void closeClient() {
        SocketWrapperBase<?> s = socket;
        if (s != null) {
            s.close();
        }
    }

    private OutputStream clientStream() {
        SocketWrapperBase<?> s = socket;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                s.write(true, b, off, len);
            }

            @Override
            public void flush() throws IOException {
                s.flush(true);
            }
        };
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
    }

    @Override
    public void init(WebConnection connection) {
        // the pump starts when conmon's socket is connected, and waits for this
        ready.countDown();
        if (failure != null) {
            Thread t = new Thread(() -> {
                try {
                    OutputStream out = clientStream();
                    Frames.write(out, 2, (failure + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8), tty);
                    out.flush();
                } catch (IOException e) {
                    LOG.debug("client gone before the error: " + e.getMessage());
                } finally {
                    closeClient();
                }
            }, name);
            t.setDaemon(true);
            t.start();
        }
    }

    /**
     * Input from the client: the container's stdin when attached with it, else dropped. The
     * docker CLI half-closes its side when its input ends: that ends the container's stdin (when
     * attached) but not the output, so the socket is then left out of Tomcat's poller
     * ({@code SUSPENDED}) and closed by the writer.
     */
    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        if (status != SocketEvent.OPEN_READ) {
            return status == SocketEvent.OPEN_WRITE ? SocketState.UPGRADED : SocketState.CLOSED;
        }
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = socket.read(false, buf, 0, buf.length)) > 0) {
                input(buf, n);
            }
            if (n < 0) {
                endOfInput();
                return SocketState.SUSPENDED;
            }
            return SocketState.UPGRADED;
        } catch (java.io.EOFException halfClosed) {
            // Tomcat's NIO wrapper reports end-of-stream as an exception
            endOfInput();
            return SocketState.SUSPENDED;
        } catch (IOException e) {
            return SocketState.CLOSED;
        }
    }

    private void input(byte[] buf, int n) throws IOException {
        if (!stdin) {
            return;
        }
        synchronized (pendingInput) {
            if (conmon == null) {
                pendingInput.write(buf, 0, n);
            } else {
                conmon.write(buf, 0, n);
            }
        }
    }

    private void endOfInput() {
        if (!stdin) {
            return;
        }
        synchronized (pendingInput) {
            if (conmon == null) {
                pendingEof = true;
            } else {
                conmon.closeWrite();
            }
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // no timeouts: an attach lasts as long as the container runs
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // plain HTTP only
    }

    @Override
    public void pause() {
        // nothing to pause
    }

    @Override
    public void destroy() {
        // the streaming thread ends with the container's exit or the client's departure
    }
}
