package io.jpod.image;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;

/**
 * Images and their layers, content-addressed: a layer is stored once by its diff ID whatever the
 * number of images using it; an image's ID is the digest of its config. Thread-safe.
 *
 * <p>Errors: unknown images {@code NOT_FOUND}; ambiguous ID prefixes and malformed names or
 * archives {@code INVALID_ARGUMENT}; removing an image a container uses {@code INVALID_STATE}.
 */
public interface ImageStore {

    /** Imports a root filesystem tarball as a one-layer image, with Docker-style {@code changes}. */
    Image importRootfs(InputStream tar, List<String> names, List<String> changes, String message);

    /** Loads a {@code docker save} archive or an OCI image layout archive; returns the images it held. */
    List<Image> load(InputStream archive);

    List<Image> list();

    /** By name ({@code busybox}, {@code busybox:1}, full name), full ID, {@code sha256:} ID or unique ID prefix. */
    Image lookup(String nameOrId);

    /** Gives the image another name; a name belongs to one image, so it moves from any other. */
    Image tag(String nameOrId, String newName);

    /** Takes a name off its image. */
    Image untag(String nameOrId, String name);

    /**
     * Removes an image, or only the name when {@code nameOrId} is one of several names (with or
     * without {@code force}). Refused while {@code inUse} says a container uses it, unless
     * {@code force}. Returns the names untagged and the IDs deleted, as Docker reports them.
     */
    RemoveReport remove(String nameOrId, boolean force, Predicate<String> inUse);

    /** The image's layer directories, base first (overlay lower dirs, or the copy order for vfs). */
    List<Path> layerDirs(Image image);

    // ---- for pulls, pushes and saves -------------------------------------------------------

    /**
     * Stores a layer from a downloaded, verified archive (gzip or plain tar, the latter also one jpod
     * wrote, with a null {@code blobDigest}), taking the file over;
     * returns its diff ID. A layer already stored is kept and the file dropped. Until an image names
     * it, it is collected by the next removal or prune unless {@link #pin pinned}.
     *
     * @param blobDigest the archive's digest, as the caller verified it
     */
    String putLayer(Path blob, String blobDigest);

    boolean hasLayer(String diffId);

    /**
     * Keeps layers (stored or still to come) from being collected while a pull works towards an
     * image naming them; counted, so concurrent pulls of shared layers each hold their own pin.
     */
    void pin(List<String> diffIds);

    /** Gives back pins of {@link #pin}, once the image is committed or the pull gave up. */
    void unpin(List<String> diffIds);

    /** A stored layer's archive, as it leaves the store (save, push). */
    LayerBlob layerBlob(String diffId);

    /**
     * Records an image whose layers are all stored, by its config bytes; names move to it, and
     * {@code digests} ({@code repo@sha256:...}) replace those of the same repositories.
     */
    Image commit(byte[] config, List<String> names, List<String> digests);

    /**
     * Records a build step's image (its layers stored): it has no name, stays out of {@link #list},
     * and is reused as build cache until {@link #pruneIntermediate}; naming it makes it an image like any other.
     */
    Image commitIntermediate(byte[] config);

    /** The intermediate images (the build cache). */
    List<Image> intermediate();

    /** Bytes of a stored layer's content; 0 for an unknown layer. */
    long layerSize(String diffId);

    /** Deletes the intermediate images no container uses (the build cache); returns their IDs. */
    List<String> pruneIntermediate(Predicate<String> inUse);

    /** The config, byte for byte. */
    byte[] config(Image image);

    /** Removes layers no image uses (verified downloads of pulls that failed among them). */
    void pruneLayers();

    /** A directory on the store's file system for work in progress (downloads); cleared at start. */
    Path workDir();

    /** What a removal did. */
    record RemoveReport(List<String> untagged, List<String> deleted) {}

    /** A layer's archive: gzip-compressed tar, whose digest and size a manifest names. */
    record LayerBlob(String diffId, Path path, String digest, long size) {}
}
