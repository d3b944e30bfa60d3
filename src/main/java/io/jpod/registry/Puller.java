package io.jpod.registry;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import io.jpod.image.LayerBlobs;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pulls one image from one endpoint: the manifest (an index resolved to the platform's image),
 * the config, then the layers the store lacks, through {@link SharedDownloads}. The image is
 * committed only when every layer is stored and matches the config: a failed or cancelled pull
 * leaves no image, only verified layers that a prune clears.
 */
final class Puller {

    private static final int MAX_MANIFEST = 4 << 20;
    private static final int MAX_CONFIG = 8 << 20;

    private final ImageStore store;
    private final SharedDownloads downloads;
    private final TransferObserver transfers;
    private final JsonMapper json;

    Puller(ImageStore store, SharedDownloads downloads, TransferObserver transfers, JsonMapper json) {
        this.store = store;
        this.downloads = downloads;
        this.transfers = transfers;
        this.json = json;
    }

    /** A manifest as fetched: its bytes, media type and digest. */
    record Fetched(byte[] bytes, String mediaType, String digest, JsonNode body) {}

    /** The result: the image, and whether anything new was stored. */
    record Pulled(Image image, String digest, boolean fresh) {}

    Pulled pull(RegistrySession session, ImageReference ref, String digest, Platform platform, PullProgress progress)
            throws IOException {
        String name = digest != null ? ref.registry() + "/" + ref.repository() + "@" + digest : ref.toString();
        Fetched top = RegistrySession.retrying(() -> manifest(session, digest != null ? digest : ref.tag(), name));
        if (digest != null && !top.digest().equals(digest)) {
            throw EngineException.remoteFailure("manifest of " + name + " does not match its digest (got "
                    + top.digest() + "): refused", null);
        }
        progress.layer(digest != null ? digest.substring(7, 19) : ref.tag(), "Pulling from " + ref.repository(), 0, 0);
        Fetched chosen = top;
        if (Manifests.isIndex(top.mediaType())) {
            Manifests.Descriptor d = Manifests.choose(top.body(), platform, name);
            chosen = RegistrySession.retrying(() -> manifest(session, d.digest(), name));
            if (!chosen.digest().equals(d.digest())) {
                throw EngineException.remoteFailure("manifest " + d.digest() + " of " + name
                        + " does not match its digest: refused", null);
            }
            if (Manifests.isIndex(chosen.mediaType())) {
                throw EngineException.remoteFailure(name + ": an index inside an index is not supported", null);
            }
        }
        Manifests.ImageManifest im = Manifests.image(chosen.body(), name);
        byte[] config = RegistrySession.retrying(() -> config(session, im.config(), name));
        JsonNode cfg = json.readTree(config);
        List<String> diffIds = new ArrayList<>();
        cfg.path("rootfs").path("diff_ids").values().forEach(v -> diffIds.add(v.asString()));
        if (diffIds.size() != im.layers().size()) {
            throw EngineException.remoteFailure(name + ": its manifest has " + im.layers().size()
                    + " layers but its config " + diffIds.size(), null);
        }
        // "Image is up to date" only when the name already meant this very image (as dockerd says it)
        String id = sha256Hex(config);
        boolean upToDate;
        try {
            upToDate = store.lookup(digest != null ? name : ref.toString()).id().equals(id);
        } catch (EngineException absent) {
            upToDate = false;
        }
        // the pull's own pins: its layers stay while it works, and a failure leaves them to prune
        store.pin(diffIds);
        try {
            boolean fresh = fetchLayers(session, im.layers(), diffIds, progress) || !upToDate;
            String repoDigest = ref.registry() + "/" + ref.repository() + "@" + top.digest();
            Image img = store.commit(config, digest != null ? List.of() : List.of(ref.toString()), List.of(repoDigest));
            return new Pulled(img, top.digest(), fresh);
        } finally {
            store.unpin(diffIds);
        }
    }

    /** Stores the layers the store lacks; whether any was fetched. */
    private boolean fetchLayers(RegistrySession session, List<Manifests.Descriptor> layers, List<String> diffIds,
            PullProgress progress) throws IOException {
        List<SharedDownloads.Transfer> transfersOfThisPull = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        try {
            for (int i = 0; i < layers.size(); i++) {
                Manifests.Descriptor l = layers.get(i);
                if (store.hasLayer(diffIds.get(i))) {
                    progress.layer(Manifests.shortId(l.digest()), "Already exists", 0, 0);
                    transfers.blob("pull", true);
                    continue;
                }
                progress.layer(Manifests.shortId(l.digest()), "Pulling fs layer", 0, 0);
            }
            for (int i = 0; i < layers.size(); i++) {
                if (!store.hasLayer(diffIds.get(i))) {
                    transfersOfThisPull.add(downloads.join(session, layers.get(i), progress));
                    indexes.add(i);
                }
            }
            for (int k = 0; k < transfersOfThisPull.size(); k++) {
                SharedDownloads.Transfer t = transfersOfThisPull.get(k);
                String diffId = await(t, progress);
                String expected = diffIds.get(indexes.get(k));
                if (!diffId.equals(expected)) {
                    throw EngineException.remoteFailure("layer " + t.digest + " unpacks to " + diffId
                            + " but the image config says " + expected + ": refused", null);
                }
                progress.layer(Manifests.shortId(t.digest), "Pull complete", 0, 0);
            }
            return !transfersOfThisPull.isEmpty();
        } catch (RuntimeException | IOException e) {
            // downloads still running stop unless another pull wants them; what was stored is
            // released with this pull's pins
            transfersOfThisPull.forEach(t -> t.release(progress));
            throw e;
        }
    }

    /** Waits for a transfer, giving up when the client went away or the thread is interrupted. */
    private static String await(SharedDownloads.Transfer t, PullProgress progress) throws IOException {
        while (true) {
            if (progress.cancelled() || Thread.currentThread().isInterrupted()) {
                throw new IOException("pull cancelled");
            }
            try {
                return t.diffId.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // look at the cancel flags again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("pull cancelled");
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof EngineException ee) {
                    throw ee;
                }
                if (c instanceof IOException io) {
                    throw io;
                }
                throw EngineException.internal("pulling layer " + t.digest + ": " + c, c);
            }
        }
    }

    Fetched manifest(RegistrySession session, String reference, String name) throws IOException {
        HttpResponse<InputStream> r = session.send("/v2/" + session.endpoint().repository() + "/manifests/" + reference,
                b -> b.header("Accept", Manifests.ACCEPT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        byte[] bytes = readLimited(r.body(), MAX_MANIFEST, name + ": manifest");
        if (r.statusCode() == 404) {
            throw EngineException.notFound("manifest for " + name + " not found: manifest unknown");
        }
        if (r.statusCode() != 200) {
            throw session.failure(r.statusCode(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                    "fetching the manifest of " + name);
        }
        JsonNode body;
        try {
            body = json.readTree(bytes);
        } catch (RuntimeException e) {
            throw EngineException.remoteFailure(name + ": its manifest is not JSON", null);
        }
        String type = Manifests.mediaType(r.headers().firstValue("Content-Type").orElse(""), body);
        Manifests.refuseUnknown(type, name);
        return new Fetched(bytes, type, "sha256:" + sha256Hex(bytes), body);
    }

    private byte[] config(RegistrySession session, Manifests.Descriptor d, String name) throws IOException {
        HttpResponse<InputStream> r = blobFollowingRedirects(session, d.digest());
        byte[] bytes = readLimited(r.body(), MAX_CONFIG, name + ": config");
        if (r.statusCode() != 200) {
            throw session.failure(r.statusCode(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                    "fetching the config of " + name);
        }
        if (!("sha256:" + sha256Hex(bytes)).equals(d.digest())) {
            throw EngineException.remoteFailure("config of " + name + " does not match its digest " + d.digest()
                    + ": refused", null);
        }
        transfers.bytes("pull", bytes.length);
        return bytes;
    }

    private static HttpResponse<InputStream> blobFollowingRedirects(RegistrySession session, String digest)
            throws IOException {
        HttpResponse<InputStream> r = session.send("/v2/" + session.endpoint().repository() + "/blobs/" + digest,
                b -> b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        for (int hop = 0; hop < 5 && r.statusCode() / 100 == 3; hop++) {
            String loc = r.headers().firstValue("Location").orElse("");
            RegistrySession.discard(r);
            java.net.URI next = r.uri().resolve(loc);
            try {
                r = session.client().send(java.net.http.HttpRequest.newBuilder(next).timeout(RegistrySession.REQUEST_TIMEOUT)
                        .GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        return r;
    }

    private static byte[] readLimited(InputStream in, int limit, String what) throws IOException {
        try (in) {
            byte[] b = in.readNBytes(limit + 1);
            if (b.length > limit) {
                throw EngineException.remoteFailure(what + " is larger than " + (limit >> 20) + " MiB: refused", null);
            }
            return b;
        }
    }

    static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(LayerBlobs.sha256().digest(bytes));
    }
}
