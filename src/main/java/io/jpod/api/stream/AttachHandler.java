package io.jpod.api.stream;

import io.jpod.container.ContainerService;
import io.jpod.container.LogReader;
import io.jpod.oci.AttachSocket;
import java.io.ByteArrayOutputStream;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * The hijacked connection of {@code POST /containers/{id}/attach}: the container's output, from the
 * moment of attaching until its next exit, in Docker's stream format, then the connection is closed.
 * Without a terminal or stdin, output is taken from conmon's log as it is written; with either, the
 * handler is a client of conmon's attach socket, which carries the terminal's raw output and the
 * client's input.
 *
 * <p>Tomcat's internal upgrade interface, because closing a servlet {@code WebConnection} does not
 * close the socket until the next socket event, and podman's client reads until the server closes.
 */
public class AttachHandler implements InternalHttpUpgradeHandler {

    private static final Log LOG = LogFactory.getLog(AttachHandler.class);

    private Path log;
    private long offset;
    private boolean stdout;
    private boolean stderr;
    private boolean tty;
    private CompletableFuture<?> exited;
    private volatile SocketWrapperBase<?> socket;
    private final CountDownLatch ready = new CountDownLatch(1);

    // conmon attach-socket mode (terminal or stdin): output and input go through conmon's socket
    private boolean viaConmon;
    private boolean stdin;
    private String name = "attach";
    private AttachSocket conmon;
    private final ByteArrayOutputStream pendingInput = new ByteArrayOutputStream();
    private boolean pendingEof;

    void configure(Path logFile, long fromByte, boolean out, boolean err, boolean isTty,
            CompletableFuture<?> done) {
        this.log = logFile;
        this.offset = fromByte;
        this.stdout = out;
        this.stderr = err;
        this.tty = isTty;
        this.exited = done;
    }

    /**
     * Attaches through conmon's socket: now when the container runs, else at its next start
     * (before its process runs, so nothing is missed).
     */
    void configureConmon(ContainerService containers, String id, boolean running, boolean in, boolean out,
            boolean err, boolean isTty) {
        this.viaConmon = true;
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
        ready.countDown();
        if (viaConmon) {
            return; // the pump starts when conmon's socket is connected
        }
        Thread t = new Thread(this::stream, "attach-" + log.getParent().getParent().getFileName());
        t.setDaemon(true);
        t.start();
    }

    /** Log mode: output followed in conmon's log file from the moment of attaching. */
    private void stream() {
        SocketWrapperBase<?> s = socket;
        OutputStream out = clientStream();
        try {
            out.flush();
            var opts = new ContainerStreams.LogOptions(stdout, stderr, false, null, null);
            LogReader.follow(log, offset, line -> {
                try {
                    ContainerStreams.write(out, line, opts, tty);
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, exited::isDone);
        } catch (UncheckedIOException | IOException e) {
            LOG.debug("attach client went away: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("attach stream ended: " + e.getMessage());
        } finally {
            s.close();
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
        if (!viaConmon || !stdin) {
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
        if (!viaConmon || !stdin) {
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
