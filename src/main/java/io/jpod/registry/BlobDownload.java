package io.jpod.registry;

import io.jpod.error.EngineException;
import io.jpod.image.LayerBlobs;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

/**
 * Downloads one blob to a file, checking its size and digest before anyone may use it. Streams to
 * disk as it arrives; a connection that breaks or stalls, or a 429/5xx answer, is retried a few
 * times with back-off, resuming with a range request where the registry serves ranges. A blob
 * that does not match its digest is deleted and the pull fails: it is never retried into the store.
 */
final class BlobDownload {

    static final int ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    private final RegistrySession session;
    private final String digest;
    private final long size;
    private final Path file;
    private final Duration stallTimeout;
    private final Runnable retrying;
    private volatile boolean cancelled;
    private volatile CompletableFuture<?> inFlight;

    BlobDownload(RegistrySession session, String digest, long size, Path file, Duration stallTimeout, Runnable retrying) {
        this.session = session;
        this.digest = digest;
        this.size = size;
        this.file = file;
        this.stallTimeout = stallTimeout;
        this.retrying = retrying;
    }

    /** Stops the transfer at once; {@link #run} then fails. */
    void cancel() {
        cancelled = true;
        CompletableFuture<?> f = inFlight;
        if (f != null) {
            f.cancel(true);
        }
    }

    /** Downloads and verifies; {@code progress} hears the bytes so far. */
    void run(LongConsumer progress) throws IOException {
        MessageDigest sha = LayerBlobs.sha256();
        long have = 0;
        Files.deleteIfExists(file);
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (cancelled) {
                throw new IOException("pull cancelled");
            }
            if (attempt > 1) {
                retrying.run();
                sleep(FIRST_BACKOFF.multipliedBy(1L << (attempt - 2)));
            }
            try {
                have = fetch(have, sha, progress);
                break;
            } catch (Transient e) {
                last = e.getCause() instanceof IOException io ? io : new IOException(e.getMessage());
                if (!e.keepPartial) {
                    have = 0;
                    sha = LayerBlobs.sha256();
                    Files.deleteIfExists(file);
                }
                if (attempt == ATTEMPTS) {
                    throw EngineException.remoteFailure("downloading " + digest + " from " + session.endpoint().host()
                            + " failed " + ATTEMPTS + " times, last: " + describe(last), last);
                }
                have = Files.exists(file) ? Files.size(file) : 0;
            }
        }
        String got = "sha256:" + HexFormat.of().formatHex(sha.digest());
        if (size >= 0 && have != size) {
            Files.deleteIfExists(file);
            throw EngineException.remoteFailure("blob " + digest + " from " + session.endpoint().host() + " has "
                    + have + " bytes where its manifest says " + size + ": refused", null);
        }
        if (!got.equals(digest)) {
            Files.deleteIfExists(file);
            throw EngineException.remoteFailure("blob " + digest + " from " + session.endpoint().host()
                    + " does not match its digest (got " + got + "): refused, nothing stored", null);
        }
    }

    private String describe(IOException e) {
        return RegistrySession.describe(e, session.endpoint().host());
    }

    /** A failure worth another attempt; {@code keepPartial} when the bytes so far are good to resume from. */
    private static final class Transient extends Exception {
        final boolean keepPartial;

        Transient(String message, Throwable cause, boolean keepPartial) {
            super(message, cause);
            this.keepPartial = keepPartial;
        }
    }

    private long fetch(long have, MessageDigest sha, LongConsumer progress) throws IOException, Transient {
        String location = null;
        for (int hop = 0; hop < 5; hop++) {
            URIAndStatus r = get(location, have, sha, progress);
            if (r.redirect == null) {
                return r.bytes;
            }
            location = r.redirect;
        }
        throw EngineException.remoteFailure("blob " + digest + ": too many redirects", null);
    }

    private record URIAndStatus(String redirect, long bytes) {}

    private URIAndStatus get(String redirect, long have, MessageDigest sha, LongConsumer progress)
            throws IOException, Transient {
        FileSink sink = new FileSink(file, have, sha, progress);
        CompletableFuture<HttpResponse<Void>> f;
        java.util.function.Function<java.net.http.HttpRequest.Builder, java.net.http.HttpRequest> build = b -> {
            if (have > 0) {
                b.header("Range", "bytes=" + have + "-");
            }
            return b.GET().build();
        };
        HttpResponse.BodyHandler<Void> handler = info -> {
            int s = info.statusCode();
            if (s == 200 || (s == 206 && have > 0)) {
                sink.start(s == 206);
                return sink;
            }
            return HttpResponse.BodySubscribers.replacing(null);
        };
        // the manifest fetch authenticated the session already; an expired token gets one new try below
        java.net.URI uri = redirect == null ? session.repoUri("blobs/" + digest) : java.net.URI.create(redirect);
        java.net.http.HttpRequest.Builder rb = redirect == null ? session.request(uri)
                : java.net.http.HttpRequest.newBuilder(uri).timeout(RegistrySession.REQUEST_TIMEOUT);
        f = session.client().sendAsync(build.apply(rb), handler);
        HttpResponse<Void> r = await(f, sink);
        if (r.statusCode() == 401 && redirect == null) {
            session.authenticate(r.headers().firstValue("WWW-Authenticate").orElse(""));
            throw new Transient("authentication renewed", null, true);
        }
        int s = r.statusCode();
        if (s == 307 || s == 302 || s == 301 || s == 303 || s == 308) {
            String loc = r.headers().firstValue("Location").orElseThrow(() -> EngineException.remoteFailure(
                    "registry redirect without Location", null));
            return new URIAndStatus(session.uri(redirect != null ? redirect : "/").resolve(loc).toString(), 0);
        }
        if (s == 429 || s >= 500) {
            throw new Transient("HTTP " + s, null, true);
        }
        if (s != 200 && s != 206) {
            throw session.failure(s, "", "fetching blob " + digest);
        }
        if (sink.failure != null && sink.local) {
            // the disk, not the registry: another attempt would fail the same way (and a disk full is no resume point)
            throw EngineException.internal("writing blob " + digest + " to " + file.getParent() + ": "
                    + sink.failure.getMessage(), sink.failure);
        }
        if (sink.failure != null) {
            throw new Transient(sink.failure.getMessage(), sink.failure, true);
        }
        if (!sink.complete) {
            throw new Transient("connection closed before the blob's end", null, true);
        }
        return new URIAndStatus(null, sink.written);
    }

    private HttpResponse<Void> await(CompletableFuture<HttpResponse<Void>> f, FileSink sink) throws Transient, IOException {
        inFlight = f;
        try {
            while (true) {
                try {
                    return f.get(500, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    if (cancelled) {
                        f.cancel(true);
                        throw new IOException("pull cancelled");
                    }
                    if (System.nanoTime() - sink.lastProgress > stallTimeout.toNanos()) {
                        f.cancel(true);
                        throw new Transient("no data for " + stallTimeout.toSeconds() + " s", null, true);
                    }
                }
            }
        } catch (ExecutionException e) {
            throw new Transient(e.getCause() != null && e.getCause().getMessage() != null ? e.getCause().getMessage()
                    : "transfer failed", e.getCause(), true);
        } catch (java.util.concurrent.CancellationException e) {
            throw new IOException("pull cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IOException("interrupted");
        } finally {
            inFlight = null;
        }
    }

    private static void sleep(Duration d) throws IOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    /** Writes the body to the file as it arrives, hashing it; resumes at the end of what is there. */
    private static final class FileSink implements HttpResponse.BodySubscriber<Void> {
        private final Path file;
        private final MessageDigest sha;
        private final LongConsumer progress;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private FileChannel channel;
        private Flow.Subscription subscription;
        volatile long written;
        volatile long lastProgress = System.nanoTime();
        volatile boolean complete;
        volatile IOException failure;
        /** The failure was writing the file here, not the transfer. */
        volatile boolean local;

        FileSink(Path file, long have, MessageDigest sha, LongConsumer progress) {
            this.file = file;
            this.written = have;
            this.sha = sha;
            this.progress = progress;
        }

        void start(boolean resuming) {
            try {
                if (!resuming && written > 0) {
                    // the registry ignored the range: start over
                    written = 0;
                    sha.reset();
                    Files.deleteIfExists(file);
                }
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                local = true;
                failure = e;
            }
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (failure != null) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    ByteBuffer view = b.duplicate();
                    sha.update(view);
                    while (b.hasRemaining()) {
                        written += channel.write(b);
                    }
                }
                lastProgress = System.nanoTime();
                progress.accept(written);
            } catch (IOException e) {
                local = true;
                failure = e;
                subscription.cancel();
                close();
                done.complete(null);
            }
        }

        @Override
        public void onError(Throwable t) {
            failure = t instanceof IOException io ? io : new IOException(t.getMessage(), t);
            close();
            done.complete(null);
        }

        @Override
        public void onComplete() {
            complete = failure == null;
            close();
            done.complete(null);
        }

        private void close() {
            try {
                if (channel != null) {
                    channel.close();
                }
            } catch (IOException ignored) {
                // the file is checked whole afterwards
            }
        }

        @Override
        public CompletionStage<Void> getBody() {
            return done;
        }
    }
}
