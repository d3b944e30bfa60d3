package io.jpod.registry;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Pushes one image to one repository: each layer's archive (skipped when the registry has it,
 * mounted from another repository of the same registry when the image came from there, uploaded
 * otherwise), the config, then a Docker v2 schema 2 manifest under the tag.
 */
final class Pusher {

    private final ImageStore store;
    private final TransferObserver transfers;
    private final JsonMapper json;
    private final ExecutorService pool = Executors.newFixedThreadPool(SharedDownloads.CONCURRENT, r -> {
        Thread t = new Thread(r, "jpod-push");
        t.setDaemon(true);
        return t;
    });

    Pusher(ImageStore store, TransferObserver transfers, JsonMapper json) {
        this.store = store;
        this.transfers = transfers;
        this.json = json;
    }


    /** Repositories of the same registry this image was pulled from or pushed to: mount sources. */
    static List<String> mountSources(Image img, ImageReference dest) {
        List<String> out = new ArrayList<>();
        for (String d : img.digests()) {
            String repo = d.substring(0, d.indexOf('@'));
            String prefix = dest.registry() + "/";
            if (repo.startsWith(prefix) && !repo.substring(prefix.length()).equals(dest.repository())) {
                out.add(repo.substring(prefix.length()));
            }
        }
        return out;
    }

    PushResult push(RegistrySession session, Image img, ImageReference dest, boolean oci, PullProgress progress)
            throws IOException {
        List<ImageStore.LayerBlob> blobs = img.layers().stream().map(store::layerBlob).toList();
        List<String> sources = mountSources(img, dest);
        blobs.forEach(b -> progress.layer(Manifests.shortId(b.digest()), "Preparing", 0, 0));
        List<Future<?>> running = new ArrayList<>();
        for (ImageStore.LayerBlob b : blobs) {
            progress.layer(Manifests.shortId(b.digest()), "Waiting", 0, 0);
            running.add(pool.submit(() -> {
                pushBlob(session, b.digest(), b.size(), () -> open(b), sources, progress, true);
                return null;
            }));
        }
        try {
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            running.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IOException("push cancelled");
        } catch (ExecutionException e) {
            running.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof EngineException ee) {
                throw ee;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw EngineException.internal("pushing " + dest + ": " + e.getCause(), e.getCause());
        }
        byte[] config = store.config(img);
        String configDigest = "sha256:" + Puller.sha256Hex(config);
        pushBlob(session, configDigest, config.length, () -> new java.io.ByteArrayInputStream(config), sources,
                ProgressListener.NONE, false);
        byte[] manifest = manifest(configDigest, config.length, blobs, oci);
        String manifestType = oci ? Manifests.OCI_MANIFEST : Manifests.DOCKER_V2;
        String digest = "sha256:" + Puller.sha256Hex(manifest);
        HttpResponse<String> r = session.send("/v2/" + session.endpoint().repository() + "/manifests/" + dest.tag(),
                b -> b.header("Content-Type", manifestType).PUT(HttpRequest.BodyPublishers.ofByteArray(manifest))
                        .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201 && r.statusCode() != 200) {
            throw session.failure(r.statusCode(), r.body(), "pushing the manifest of " + dest);
        }
        String reported = r.headers().firstValue("Docker-Content-Digest").orElse(digest);
        if (!reported.equals(digest)) {
            throw EngineException.remoteFailure("registry " + session.endpoint().host() + " stored the manifest as "
                    + reported + " where jpod sent " + digest, null);
        }
        if (img.names().contains(dest.toString())) {
            // as Docker: the local name now has a known digest (a push elsewhere leaves no trace here)
            store.commit(config, List.of(), List.of(dest.registry() + "/" + dest.repository() + "@" + digest));
        }
        return new PushResult(dest.tag(), digest, manifest.length);
    }

    private static InputStream open(ImageStore.LayerBlob b) {
        try {
            return Files.newInputStream(b.path());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A Docker v2 schema 2 manifest, or with {@code oci} an OCI image manifest, of the stored gzip layers. */
    private byte[] manifest(String configDigest, long configSize, List<ImageStore.LayerBlob> blobs, boolean oci) {
        ObjectNode m = json.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", oci ? Manifests.OCI_MANIFEST : Manifests.DOCKER_V2);
        ObjectNode c = m.putObject("config");
        c.put("mediaType", oci ? Manifests.OCI_CONFIG : Manifests.DOCKER_CONFIG);
        c.put("size", configSize);
        c.put("digest", configDigest);
        ArrayNode layers = m.putArray("layers");
        for (ImageStore.LayerBlob b : blobs) {
            ObjectNode l = layers.addObject();
            l.put("mediaType", oci ? Manifests.OCI_LAYER_GZIP : Manifests.DOCKER_LAYER);
            l.put("size", b.size());
            l.put("digest", b.digest());
        }
        return json.writeValueAsBytes(m);
    }

    private void pushBlob(RegistrySession session, String digest, long size, Supplier<InputStream> content,
            List<String> sources, ProgressListener progress, boolean report) throws IOException {
        String id = Manifests.shortId(digest);
        String repoPath = "/v2/" + session.endpoint().repository() + "/blobs/";
        HttpResponse<Void> head = session.send(repoPath + digest, b -> b.method("HEAD", HttpRequest.BodyPublishers
                .noBody()).build(), HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 200) {
            transfers.blob("push", true);
            progress.layer(id, "Layer already exists", 0, 0);
            return;
        }
        String location = null;
        for (String from : sources) {
            HttpResponse<String> r = session.send(repoPath + "uploads/?mount=" + enc(digest) + "&from=" + enc(from),
                    b -> b.POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 201) {
                transfers.blob("push", true);
                progress.layer(id, "Mounted from " + from, 0, 0);
                return;
            }
            if (r.statusCode() == 202) {
                location = r.headers().firstValue("Location").orElse(null);
                break;
            }
        }
        if (location == null) {
            HttpResponse<String> r = session.send(repoPath + "uploads/", b -> b.POST(HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw session.failure(r.statusCode(), r.body(), "starting the upload of " + digest);
            }
            location = r.headers().firstValue("Location").orElseThrow(() -> EngineException.remoteFailure(
                    "registry " + session.endpoint().host() + " started an upload without a Location", null));
        }
        URI upload = session.uri("/").resolve(location);
        URI put = URI.create(upload + (upload.getQuery() == null ? "?" : "&") + "digest=" + enc(digest));
        long[] sent = {0, 0};
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers
                .ofInputStream(() -> new FilterInputStream(content.get()) {
                    @Override
                    public int read(byte[] b, int off, int len) throws IOException {
                        int n = super.read(b, off, len);
                        if (n > 0) {
                            sent[0] += n;
                            transfers.bytes("push", n);
                            if (report && (sent[0] - sent[1] >= 262_144 || sent[0] == size)) {
                                sent[1] = sent[0];
                                progress.layer(id, "Pushing", sent[0], size);
                            }
                        }
                        return n;
                    }
                }), size);
        HttpResponse<String> r;
        try {
            r = session.client().send(session.request(put).header("Content-Type", "application/octet-stream")
                    .PUT(body).build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("push cancelled");
        }
        if (r.statusCode() != 201) {
            throw session.failure(r.statusCode(), r.body(), "uploading " + digest);
        }
        transfers.blob("push", false);
        progress.layer(id, "Pushed", 0, 0);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
