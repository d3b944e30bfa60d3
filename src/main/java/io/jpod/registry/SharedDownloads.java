package io.jpod.registry;

import io.jpod.image.ImageStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The layer downloads in progress, a few at a time for the whole daemon, each blob fetched once
 * however many pulls want it at the same moment: a second pull joins the first's download and
 * hears its progress. A download nobody waits for any more is cancelled. A finished one is a layer
 * in the store (pinned until an image commits it).
 */
final class SharedDownloads {

    static final int CONCURRENT = 3;

    /** One blob on its way: the pulls waiting for it, and what they hear. */
    final class Transfer {
        final String digest;
        final CompletableFuture<String> diffId = new CompletableFuture<>();
        final Set<ProgressListener> listeners = new CopyOnWriteArraySet<>();
        private int interested;
        private volatile BlobDownload download;
        private volatile boolean cancelled;

        Transfer(String digest) {
            this.digest = digest;
        }

        void layer(String status, long current, long total) {
            listeners.forEach(l -> l.layer(Manifests.shortId(digest), status, current, total));
        }

        /** This pull does not want the blob any more; the last one leaving stops the download. */
        void release(ProgressListener listener) {
            listeners.remove(listener);
            synchronized (SharedDownloads.this) {
                if (--interested > 0 || diffId.isDone()) {
                    return;
                }
                cancelled = true;
                running.remove(digest);
            }
            BlobDownload d = download;
            if (d != null) {
                d.cancel();
            }
        }
    }

    private final ImageStore store;
    private final TransferObserver transfers;
    private final Duration stallTimeout;
    private final ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT, r -> {
        Thread t = new Thread(r, "jpod-pull");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Transfer> running = new HashMap<>();

    SharedDownloads(ImageStore store, TransferObserver transfers, Duration stallTimeout) {
        this.store = store;
        this.transfers = transfers;
        this.stallTimeout = stallTimeout;
    }

    /** Joins the download of {@code digest}, starting it if nobody has; {@code listener} hears it from now on. */
    Transfer join(RegistrySession session, Manifests.Descriptor blob, ProgressListener listener) {
        Transfer t;
        boolean start;
        synchronized (this) {
            t = running.get(blob.digest());
            start = t == null;
            if (start) {
                t = new Transfer(blob.digest());
                running.put(blob.digest(), t);
            }
            t.interested++;
            t.listeners.add(listener);
        }
        if (start) {
            Transfer transfer = t;
            transfer.layer("Waiting", 0, 0);
            pool.execute(() -> fetch(session, blob, transfer));
        } else {
            listener.layer(Manifests.shortId(blob.digest()), "Waiting", 0, 0);
        }
        return t;
    }

    private void fetch(RegistrySession session, Manifests.Descriptor blob, Transfer t) {
        Path file = store.workDir().resolve("blob-" + UUID.randomUUID());
        try {
            if (t.cancelled) {
                throw new IOException("pull cancelled");
            }
            long[] last = {0, 0};
            BlobDownload d = new BlobDownload(session, blob.digest(), blob.size(), file, stallTimeout,
                    () -> t.layer("Retrying", 0, blob.size()));
            t.download = d;
            if (t.cancelled) {
                d.cancel();
            }
            t.layer("Downloading", 0, blob.size());
            d.run(now -> {
                transfers.bytes("pull", now - last[0]);
                last[0] = now;
                // a progress line per 256 KiB or so: enough for a smooth bar, not a flood
                if (now - last[1] >= 262_144 || now == blob.size()) {
                    last[1] = now;
                    t.layer("Downloading", now, blob.size());
                }
            });
            t.layer("Verifying Checksum", 0, 0);
            t.layer("Download complete", 0, 0);
            transfers.blob("pull", false);
            t.layer("Extracting", 0, blob.size());
            String diffId = store.putLayer(file, blob.digest());
            t.layer("Extracting", blob.size(), blob.size());
            t.diffId.complete(diffId);
        } catch (Throwable e) {
            t.diffId.completeExceptionally(e);
        } finally {
            synchronized (this) {
                running.remove(blob.digest(), t);
            }
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the work dir is cleared at the next start
            }
        }
    }
}
