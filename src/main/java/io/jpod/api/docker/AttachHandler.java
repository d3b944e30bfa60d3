package io.jpod.api.docker;

import io.jpod.container.LogReader;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The hijacked connection of {@code POST /containers/{id}/attach}: the container's output, from the
 * moment of attaching until its next exit, in Docker's stream format. Output is taken from conmon's
 * log as it is written (stdin is not attached).
 */
public class AttachHandler implements HttpUpgradeHandler {

    private static final Log LOG = LogFactory.getLog(AttachHandler.class);

    private Path log;
    private long offset;
    private boolean stdout;
    private boolean stderr;
    private boolean tty;
    private CompletableFuture<?> exited;

    void configure(Path logFile, long fromByte, boolean out, boolean err, boolean isTty, CompletableFuture<?> done) {
        this.log = logFile;
        this.offset = fromByte;
        this.stdout = out;
        this.stderr = err;
        this.tty = isTty;
        this.exited = done;
    }

    @Override
    public void init(WebConnection connection) {
        Thread t = new Thread(() -> stream(connection), "attach-" + log.getParent().getParent().getFileName());
        t.setDaemon(true);
        t.start();
    }

    private void stream(WebConnection connection) {
        try (connection) {
            OutputStream out = connection.getOutputStream();
            out.flush();
            LogReader.follow(log, offset, line -> {
                try {
                    DockerContainersController.write(out, line, stdout, stderr, false, tty, null, null);
                    out.flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, exited::isDone);
        } catch (UncheckedIOException e) {
            LOG.debug("attach client went away: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.debug("attach stream ended: " + e.getMessage());
        }
    }

    @Override
    public void destroy() {
        // the streaming thread ends with the container's exit or the client's departure
    }
}
