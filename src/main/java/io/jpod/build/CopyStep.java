package io.jpod.build;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.storage.DiffTar;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.Trees;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * COPY and ADD: the sources (from the context, less what .dockerignore excludes, or from an
 * earlier stage or image with {@code --from}) laid out as they will be in the image, then written
 * as one layer. The cache key covers what was laid out, so an edited file is a new step.
 */
final class CopyStep {

    private final StepContext ctx;
    private final StageRun stage;
    private final Instruction i;

    CopyStep(StepContext ctx, StageRun stage, Instruction i) {
        this.ctx = ctx;
        this.stage = stage;
        this.i = i;
    }

    void run() {
        boolean add = i.keyword().equals("ADD");
        List<String> words = new ArrayList<>();
        if (i.json() != null) {
            i.json().forEach(w -> words.add(Words.expand(w, stage.escape(), stage::lookup)));
        } else {
            words.addAll(Words.split(i.rest(), stage.escape(), stage::lookup));
        }
        if (words.size() < 2) {
            throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": " + i.keyword()
                    + " requires at least two arguments, but got " + words.size());
        }
        for (String flag : i.flags().keySet()) {
            // --link only changes how BuildKit stacks the layer: the files are the same
            if (!List.of("from", "chown", "chmod", "link").contains(flag) || (add && flag.equals("from"))) {
                throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": " + i.keyword() + " --" + flag
                        + " is not supported by jpod's builder");
            }
        }
        String dest = words.get(words.size() - 1);
        List<String> sources = words.subList(0, words.size() - 1);
        for (String s : sources) {
            if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") || s.startsWith("git@")) {
                throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": " + i.keyword() + " " + s
                        + ": remote sources are not supported by jpod's builder; put the file in the build context");
            }
        }
        String from = i.flags().containsKey("from") ? Words.expand(i.flags().get("from"), stage.escape(),
                stage::lookup) : null;
        String chown = i.flags().containsKey("chown") ? Words.expand(i.flags().get("chown"), stage.escape(),
                stage::lookup) : null;
        String chmod = i.flags().get("chmod");
        if (chmod != null && !chmod.matches("[0-7]{3,4}")) {
            throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": --chmod=" + chmod
                    + ": only octal modes are supported");
        }
        Path staging = ctx.work.resolve("copy-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            stageFiles(sources, dest, from, chown, chmod, add, staging);
            String digest = TreeDigest.of(staging);
            String describe = i.keyword() + flagsText(from, chown, chmod) + " " + String.join(" ", words);
            String key = BuildCache.key(stage.parentKey(), describe, digest);
            if (stage.cached(key)) {
                return;
            }
            String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
            String diffId = layerOf(ctx, staging);
            stage.currentDraft().addLayer(diffId, Instant.now(), "/bin/sh -c #(nop) " + i.keyword() + " "
                    + (sources.size() == 1 ? "file:" : "multi:") + hex + " in " + dest + " ", "");
            stage.commit(key);
        } catch (IOException e) {
            throw EngineException.internal(i.keyword() + ": " + e.getMessage(), e);
        } finally {
            Trees.delete(staging);
        }
    }

    private void stageFiles(List<String> sources, String dest, String from, String chown, String chmod, boolean add,
            Path staging) throws IOException {
        ImageRoot fromRoot = null;
        try (ImageRoot current = stage.openRoot()) {
            Path sourceRoot = ctx.contextDir;
            DockerIgnore ignore = ctx.ignore;
            if (from != null) {
                Image source = stage.source(from);
                fromRoot = ImageRoot.open(ctx.images.layerDirs(source), ctx.work, ctx.overlay);
                sourceRoot = fromRoot.path();
                ignore = null;
            }
            List<Path> resolved = Sources.resolve(sourceRoot, sources, ignore);
            CopyStager.Owner owner = chown == null || chown.isEmpty() ? null : stage.owner(chown, current);
            String workdir = stage.currentDraft().workingDir();
            CopyStager.stage(resolved, sourceRoot, dest, workdir.isEmpty() ? "/" : workdir, null, owner, chmod,
                    add && from == null, staging, current.path());
        } finally {
            if (fromRoot != null) {
                fromRoot.close();
            }
        }
    }

    /**
     * Directories the image already has keep their owner, mode and time: a COPY into {@code /app}
     * adds files to it, it does not make a new {@code /app}.
     */
    private static void keepExistingDirectories(Path staging, ImageRoot current) throws IOException {
        List<Path> dirs;
        try (var walk = Files.walk(staging)) {
            dirs = walk.filter(p -> !p.equals(staging) && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
        for (Path dir : dirs) {
            Path existing = current.resolve("/" + staging.relativize(dir));
            if (existing == null || !Files.isDirectory(existing, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Map<String, Object> a = Files.readAttributes(existing, "unix:mode,uid,gid,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            PosixFiles.setOwner(dir, (Integer) a.get("uid"), (Integer) a.get("gid"));
            PosixFiles.setMode(dir, (Integer) a.get("mode") & 07777);
            Files.setLastModifiedTime(dir, (FileTime) a.get("lastModifiedTime"));
        }
    }

    private static String flagsText(String from, String chown, String chmod) {
        return (from == null ? "" : " --from=" + from) + (chown == null ? "" : " --chown=" + chown)
                + (chmod == null ? "" : " --chmod=" + chmod);
    }

    /** Writes a staged tree as a layer into the store; returns its diff ID. */
    static String layerOf(StepContext ctx, Path tree) throws IOException {
        Path tar = ctx.work.resolve("layer-" + UUID.randomUUID() + ".tar");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tar), 65536)) {
            DiffTar.write(tree, out, name -> false);
        }
        return ctx.images.putLayer(tar, null);
    }

    /** A layer holding one new directory and its parents (WORKDIR's), owned by root, mode 0755. */
    static String layerOfDirectory(StepContext ctx, String absolute, ImageRoot current) {
        Path tree = ctx.work.resolve("dir-" + UUID.randomUUID());
        try {
            Path dir = tree.resolve(absolute.substring(1));
            Files.createDirectories(dir);
            try (var walk = Files.walk(tree)) {
                for (Path p : walk.filter(p -> !p.equals(tree)).toList()) {
                    PosixFiles.setMode(p, 0755);
                }
            }
            keepExistingDirectories(tree, current);
            return layerOf(ctx, tree);
        } catch (IOException e) {
            throw EngineException.internal("WORKDIR " + absolute + ": " + e.getMessage(), e);
        } finally {
            Trees.delete(tree);
        }
    }
}
