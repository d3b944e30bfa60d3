package io.jpod.api.stream;

import io.jpod.container.LogReader;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
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
 * Output is taken from conmon's log as it is written (stdin is not attached).
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

    void configure(Path logFile, long fromByte, boolean out, boolean err, boolean isTty,
            CompletableFuture<?> done) {
        this.log = logFile;
        this.offset = fromByte;
        this.stdout = out;
        this.stderr = err;
        this.tty = isTty;
        this.exited = done;
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
    }

    @Override
    public void init(WebConnection connection) {
        Thread t = new Thread(this::stream, "attach-" + log.getParent().getParent().getFileName());
        t.setDaemon(true);
        t.start();
    }

    private void stream() {
        SocketWrapperBase<?> s = socket;
        OutputStream out = new OutputStream() {
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
     * Input from the client (stdin is not attached yet) is read and dropped. The docker CLI
     * half-closes its side when it has no input: that end-of-stream must not end the output, so
     * the socket is then left out of Tomcat's poller ({@code SUSPENDED}) and closed by the writer.
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
                // dropped
            }
            return n < 0 ? SocketState.SUSPENDED : SocketState.UPGRADED;
        } catch (java.io.EOFException halfClosed) {
            // Tomcat's NIO wrapper reports end-of-stream as an exception
            return SocketState.SUSPENDED;
        } catch (IOException e) {
            return SocketState.CLOSED;
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
