package io.jpod.build;

import io.jpod.container.ContainerService;
import io.jpod.error.EngineException;
import io.jpod.image.ConfigDraft;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.registry.Platform;
import io.jpod.registry.RegistryService;
import io.jpod.storage.Trees;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Docker's classic builder: a Dockerfile and its context in, an image out. Each stage starts from
 * its base image (pulled when missing), and each instruction makes one intermediate image, reused
 * by later builds as cache; RUN steps run in containers like any other, COPY and ADD lay out files
 * as a layer, the rest only change the config. The stream it writes reads like Docker's.
 */
public final class BuildService {

    private final ImageStore images;
    private final RegistryService registry;
    private final ContainerService containers;
    private final BuildCache cache;
    private final boolean overlay;

    public BuildService(ImageStore images, RegistryService registry, ContainerService containers, BuildCache cache,
            boolean overlay) {
        this.images = images;
        this.registry = registry;
        this.containers = containers;
        this.cache = cache;
        this.overlay = overlay;
    }

    /** Builds from a context tar (plain or compressed); returns the image, named as {@code req.tags()} say. */
    public Image build(BuildRequest req, InputStream context, BuildListener out) {
        if (!req.platform().isEmpty() && !Platform.parse(req.platform()).equals(Platform.host())) {
            throw EngineException.invalidArgument("building for platform " + req.platform() + " is not supported: "
                    + "jpod builds for the host's platform, " + Platform.host() + ", only");
        }
        req.tags().forEach(io.jpod.image.ImageReference::parse); // a bad name fails before any work
        Path work = images.workDir().resolve("build-" + UUID.randomUUID());
        try {
            Path contextDir = work.resolve("context");
            Files.createDirectories(contextDir);
            BuildContext.extract(context, contextDir);
            BuildContext.BuildFiles files = BuildContext.readBuildFiles(contextDir, req.dockerfile());
            Dockerfile dockerfile = Dockerfile.parse(files.dockerfile());
            DockerIgnore ignore = files.ignore();
            return run(req, dockerfile, contextDir, ignore, work, out);
        } catch (IOException e) {
            throw EngineException.internal("building: " + e.getMessage(), e);
        } finally {
            Trees.delete(work);
        }
    }

    private Image run(BuildRequest req, Dockerfile dockerfile, Path contextDir, DockerIgnore ignore, Path work,
            BuildListener out) {
        int last = dockerfile.stages().size() - 1;
        if (!req.target().isEmpty()) {
            Stage target = dockerfile.stage(req.target());
            if (target == null) {
                throw EngineException.invalidArgument("failed to reach build target " + req.target()
                        + " in Dockerfile");
            }
            last = target.index();
        }
        int steps = dockerfile.globalArgs().size();
        for (int i = 0; i <= last; i++) {
            steps += 1 + dockerfile.stages().get(i).body().size();
        }
        Map<String, String> globalArgs = new HashMap<>();
        Set<String> usedArgs = new LinkedHashSet<>();
        for (Instruction arg : dockerfile.globalArgs()) {
            Words.pairs(arg.rest(), dockerfile.escape(), n -> null, false).forEach((k, v) -> {
                globalArgs.put(k, req.buildArgs().containsKey(k) && req.buildArgs().get(k) != null
                        ? req.buildArgs().get(k) : v);
                usedArgs.add(k);
            });
        }
        StepContext ctx = new StepContext(req, dockerfile, contextDir, ignore, work, out, images, registry,
                containers, cache, overlay, globalArgs, usedArgs, steps);
        dockerfile.globalArgs().forEach(a -> ctx.header(a.original()));
        Map<Integer, String> built = new HashMap<>();
        ConfigDraft result = null;
        String resultId = null;
        for (int i = 0; i <= last; i++) {
            StageRun stage = new StageRun(ctx, dockerfile.stages().get(i), built);
            stage.run();
            built.put(i, stage.imageId());
            result = stage.draft();
            resultId = stage.imageId();
        }
        List<String> unused = req.buildArgs().keySet().stream().filter(k -> !usedArgs.contains(k)).toList();
        if (!unused.isEmpty()) {
            out.stream("[Warning] One or more build-args " + unused + " were not consumed\n");
        }
        Image image;
        if (!req.labels().isEmpty()) {
            req.labels().forEach(result::label);
            image = images.commit(result.bytes(), req.tags(), List.of());
        } else if (resultId == null) {
            throw EngineException.invalidArgument("the build made no image: a scratch stage needs at least one "
                    + "instruction that adds files or settings");
        } else {
            image = images.commit(images.config(images.lookup(resultId)), req.tags(), List.of());
        }
        out.built("sha256:" + image.id());
        if (!req.quiet()) {
            out.stream("Successfully built " + image.id().substring(0, 12) + "\n");
            for (String tag : req.tags()) {
                out.stream("Successfully tagged " + io.jpod.image.ImageReference.parse(tag).familiar() + "\n");
            }
        }
        return image;
    }

    /** Deletes the build cache: the intermediate images no container uses, and the index. Returns their IDs. */
    public List<String> prune() {
        cache.clear();
        return prune(i -> true);
    }

    /**
     * Deletes the build cache's intermediate images {@code which} accepts (their labels are their
     * config's) and no container uses; the index forgets their steps when it next looks them up.
     * Returns their IDs.
     */
    public List<String> prune(java.util.function.Predicate<Image> which) {
        java.util.Set<String> chosen = images.intermediate().stream().filter(which).map(Image::id)
                .collect(java.util.stream.Collectors.toSet());
        java.util.Set<String> used = new java.util.HashSet<>();
        containers.list().forEach(c -> used.add(c.config().rootfsImageId()));
        return new ArrayList<>(images.pruneIntermediate(id -> used.contains(id) || !chosen.contains(id)));
    }
}
