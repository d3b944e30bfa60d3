package io.jpod.build;

import io.jpod.container.ContainerService;
import io.jpod.image.ImageStore;
import io.jpod.registry.RegistryService;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/** What every stage of one build shares: the request, the context, the engine's parts, the step count. */
final class StepContext {

    final BuildRequest req;
    final Dockerfile dockerfile;
    final Path contextDir;
    final DockerIgnore ignore;
    final Path work;
    final BuildListener out;
    final ImageStore images;
    final RegistryService registry;
    final ContainerService containers;
    final BuildCache cache;
    final boolean overlay;
    final Map<String, String> globalArgs;
    final Set<String> usedArgs;
    final int steps;
    private int step;

    StepContext(BuildRequest req, Dockerfile dockerfile, Path contextDir, DockerIgnore ignore, Path work,
            BuildListener out, ImageStore images, RegistryService registry, ContainerService containers,
            BuildCache cache, boolean overlay, Map<String, String> globalArgs, Set<String> usedArgs, int steps) {
        this.req = req;
        this.dockerfile = dockerfile;
        this.contextDir = contextDir;
        this.ignore = ignore;
        this.work = work;
        this.out = out;
        this.images = images;
        this.registry = registry;
        this.containers = containers;
        this.cache = cache;
        this.overlay = overlay;
        this.globalArgs = globalArgs;
        this.usedArgs = usedArgs;
        this.steps = steps;
    }

    /** The next step's header, as Docker writes it. */
    void header(String original) {
        step++;
        say("Step " + step + "/" + steps + " : " + original + "\n");
    }

    /** Build log text, unless the client asked for quiet. */
    void say(String text) {
        if (!req.quiet()) {
            out.stream(text);
        }
    }
}
