package io.jpod.image;

import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * An image store that tells the event stream what changed (Docker's image events: import, load,
 * tag, untag, delete) and the observer how long the long operations took (import, load).
 */
public final class PublishingImageStore implements ImageStore {

    private final ImageStore store;
    private final EventBus events;
    private final OperationObserver observer;

    public PublishingImageStore(ImageStore store, EventBus events, OperationObserver observer) {
        this.store = store;
        this.events = events;
        this.observer = observer;
    }

    private void publish(String action, Image image, String name) {
        events.publish("image", action, image.id(), name != null ? name
                : image.names().isEmpty() ? "" : image.names().get(0), java.util.Map.of());
    }

    @Override
    public Image importRootfs(InputStream tar, List<String> names, List<String> changes, String message) {
        Image img = observer.time("import", () -> store.importRootfs(tar, names, changes, message));
        publish("import", img, null);
        return img;
    }

    @Override
    public List<Image> load(InputStream archive) {
        List<Image> loaded = observer.time("load", () -> store.load(archive));
        loaded.forEach(img -> publish("load", img, null));
        return loaded;
    }

    @Override
    public List<Image> list() {
        return store.list();
    }

    @Override
    public Image lookup(String nameOrId) {
        return store.lookup(nameOrId);
    }

    @Override
    public Image tag(String nameOrId, String newName) {
        Image img = store.tag(nameOrId, newName);
        publish("tag", img, newName);
        return img;
    }

    @Override
    public Image untag(String nameOrId, String name) {
        Image img = store.untag(nameOrId, name);
        publish("untag", img, name);
        return img;
    }

    @Override
    public RemoveReport remove(String nameOrId, boolean force, Predicate<String> inUse) {
        // read first: the events name the image even when it is gone afterwards
        String id = store.lookup(nameOrId).id();
        RemoveReport r = store.remove(nameOrId, force, inUse);
        r.untagged().forEach(n -> events.publish("image", "untag", id, n, java.util.Map.of()));
        r.deleted().forEach(d -> events.publish("image", "delete", id, d, java.util.Map.of()));
        return r;
    }

    @Override
    public List<Path> layerDirs(Image image) {
        return store.layerDirs(image);
    }

    // pulls and pushes publish their own events (pull, push): they know the name asked for

    @Override
    public String putLayer(Path blob, String blobDigest) {
        return store.putLayer(blob, blobDigest);
    }

    @Override
    public boolean hasLayer(String diffId) {
        return store.hasLayer(diffId);
    }

    @Override
    public void pin(List<String> diffIds) {
        store.pin(diffIds);
    }

    @Override
    public void unpin(List<String> diffIds) {
        store.unpin(diffIds);
    }

    @Override
    public LayerBlob layerBlob(String diffId) {
        return store.layerBlob(diffId);
    }

    @Override
    public Image commit(byte[] config, List<String> names, List<String> digests) {
        return store.commit(config, names, digests);
    }

    @Override
    public List<Image> intermediate() {
        return store.intermediate();
    }

    @Override
    public long layerSize(String diffId) {
        return store.layerSize(diffId);
    }

    @Override
    public Image commitIntermediate(byte[] config) {
        return store.commitIntermediate(config);
    }

    @Override
    public List<String> pruneIntermediate(Predicate<String> inUse) {
        List<String> deleted = store.pruneIntermediate(inUse);
        deleted.forEach(d -> events.publish("image", "delete", d.substring(7), d, java.util.Map.of()));
        return deleted;
    }

    @Override
    public byte[] config(Image image) {
        return store.config(image);
    }

    @Override
    public void pruneLayers() {
        store.pruneLayers();
    }

    @Override
    public java.nio.file.Path workDir() {
        return store.workDir();
    }
}
