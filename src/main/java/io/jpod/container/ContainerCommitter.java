package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.image.ConfigDraft;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.StoredContainer;
import io.jpod.storage.DiffTar;
import io.jpod.storage.TreeChanges;
import io.jpod.storage.Trees;
import io.jpod.storage.VfsRootfs;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A container's changes as an image layer: {@code docker commit}, and each RUN step of a build.
 * The changes are the overlay's upper directory, less the mount points the runtime made there
 * (/etc/hosts and friends, volume and bind targets), which belong to the run, not to the image.
 */
final class ContainerCommitter {

    private final ImageStore images;
    private final ContainerPaths paths;
    private final String driver;
    private final JsonMapper json;

    ContainerCommitter(ImageStore images, ContainerPaths paths, String driver, JsonMapper json) {
        this.images = images;
        this.paths = paths;
        this.driver = driver;
        this.json = json;
    }

    /**
     * Stores the container's changes as a layer; returns its diff ID. The caller keeps the container
     * still. Overlay: the upper directory. vfs: the root compared with the image's layers, the
     * changes laid out as an upper directory would hold them (files hard-linked, deletions as whiteouts).
     */
    String storeChanges(StoredContainer c) {
        if (!"overlay".equals(driver) && !"vfs".equals(driver)) {
            throw EngineException.invalidState("committing a container needs the overlay or vfs storage driver; "
                    + "this store uses " + driver);
        }
        ContainerPaths.Layout l = paths.layout(c.id());
        Path tar = images.workDir().resolve("commit-" + UUID.randomUUID() + ".tar");
        Path staging = l.base().resolve("commit-" + UUID.randomUUID());
        try {
            Files.createDirectories(tar.getParent());
            Set<String> skip = mountPoints(c);
            Path upper = l.diff();
            if ("vfs".equals(driver)) {
                List<Path> layers = images.layerDirs(images.lookup(c.config().rootfsImageId()));
                VfsRootfs.populate(l.merged(), layers);
                skip.add(".jpod-vfs-ready");
                Files.createDirectories(staging);
                TreeChanges.stage(l.merged(), TreeChanges.compare(l.merged(), layers, skip::contains), staging);
                upper = staging;
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 65536)) {
                DiffTar.write(upper, out, skip::contains);
            }
            return images.putLayer(tar, null);
        } catch (IOException e) {
            throw EngineException.internal("writing the changes of container " + c.name() + ": " + e.getMessage(), e);
        } finally {
            Trees.delete(staging);
            try {
                Files.deleteIfExists(tar);
            } catch (IOException ignored) {
                // the work directory is cleared at start
            }
        }
    }

    /** docker commit: the container's run settings, then {@code changes}, over its image's config, plus one layer. */
    Image commit(StoredContainer c, String diffId, List<String> names, String author, String message,
            List<String> changes, Consumer<ConfigDraft> overrides) {
        Image base = images.lookup(c.config().rootfsImageId());
        ConfigDraft draft = ConfigDraft.from(images.config(base));
        RunConfig run = c.config().run();
        if (run != null) {
            List<String> entrypoint = base.config().entrypoint();
            List<String> args = run.args();
            boolean keepsEntrypoint = !entrypoint.isEmpty() && args.size() >= entrypoint.size()
                    && args.subList(0, entrypoint.size()).equals(entrypoint);
            draft.entrypoint(keepsEntrypoint ? entrypoint : List.of());
            draft.cmd(keepsEntrypoint ? args.subList(entrypoint.size(), args.size()) : args);
            for (String kv : run.env()) {
                int eq = kv.indexOf('=');
                String name = eq < 0 ? kv : kv.substring(0, eq);
                if (!name.equals("container") && !name.equals("HOSTNAME")) { // set by jpod for each run
                    draft.env(name, eq < 0 ? "" : kv.substring(eq + 1));
                }
            }
            draft.workingDir(run.workingDir());
            draft.user(run.user());
        }
        c.config().labels().forEach(draft::label);
        overrides.accept(draft);
        draft.apply(changes).author(author);
        draft.addLayer(diffId, Instant.now(), String.join(" ", c.config().command()), message);
        return images.commit(draft.bytes(), names, List.of());
    }

    /** Where the runtime mounted something into the root: from the bundle's spec, relative to the root. */
    Set<String> mountPoints(StoredContainer c) {
        Set<String> out = new HashSet<>();
        Path spec = paths.layout(c.id()).userdata().resolve("config.json");
        if (Files.isRegularFile(spec)) {
            JsonNode mounts = json.readTree(spec.toFile()).path("mounts");
            for (JsonNode m : mounts.values()) {
                out.add(relative(m.path("destination").asString("")));
            }
        }
        List<String> fixed = new ArrayList<>(List.of("etc/hosts", "etc/hostname", "etc/resolv.conf",
                "run/.containerenv", "dev", "proc", "sys"));
        if (c.config().run() != null) {
            c.config().run().mounts().forEach(m -> fixed.add(relative(m.destination())));
        }
        out.addAll(fixed);
        out.remove("");
        return out;
    }

    private static String relative(String destination) {
        String d = destination.replaceAll("/+", "/");
        while (d.startsWith("/")) {
            d = d.substring(1);
        }
        while (d.endsWith("/")) {
            d = d.substring(0, d.length() - 1);
        }
        return d;
    }
}
