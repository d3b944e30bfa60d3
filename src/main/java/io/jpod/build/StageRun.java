package io.jpod.build;

import io.jpod.container.CreateRequest;
import io.jpod.container.LogReader;
import io.jpod.container.Users;
import io.jpod.error.EngineException;
import io.jpod.image.ConfigDraft;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.registry.Credentials;
import io.jpod.registry.Platform;
import io.jpod.registry.ProgressListener;
import io.jpod.registry.RegistryService;
import io.jpod.state.StoredContainer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One stage of a build: its base image, then its instructions in order, each ending in an
 * intermediate image ({@link #imageId}) that the next one starts from. Variables expand as Docker
 * expands them: ENV over ARG, and only in the instructions Docker expands.
 */
final class StageRun {

    private static final String NOP = "/bin/sh -c #(nop)  ";

    private final StepContext ctx;
    private final Stage stage;
    private final Map<Integer, String> built;
    private final Map<String, String> args = new LinkedHashMap<>();
    private ConfigDraft draft;
    private String imageId;
    private boolean cmdSet;

    StageRun(StepContext ctx, Stage stage, Map<Integer, String> built) {
        this.ctx = ctx;
        this.stage = stage;
        this.built = built;
    }

    String imageId() {
        return imageId;
    }

    ConfigDraft draft() {
        return draft;
    }

    void run() {
        ctx.header(stage.from().original());
        from();
        List<String> triggers = draft.onBuild();
        if (!triggers.isEmpty()) {
            draft.clearOnBuild();
            ctx.say("# Executing " + triggers.size() + " build trigger" + (triggers.size() == 1 ? "" : "s") + "\n");
            for (String trigger : triggers) {
                step(Dockerfile.parseLine(trigger, stage.from().line(), ctx.dockerfile.escape()));
            }
        }
        for (Instruction i : stage.body()) {
            ctx.header(i.original());
            step(i);
        }
    }

    // ---- FROM ------------------------------------------------------------------------------

    private void from() {
        Instruction from = stage.from();
        String platform = from.flags().getOrDefault("platform", "");
        if (!platform.isEmpty() && !Platform.parse(expandGlobal(platform)).equals(Platform.host())) {
            throw EngineException.invalidArgument("Dockerfile line " + from.line() + ": FROM --platform=" + platform
                    + " is not supported: jpod builds for " + Platform.host() + " only");
        }
        List<String> words = Words.split(from.rest(), ctx.dockerfile.escape(), this::global);
        String base = words.get(0);
        for (Stage earlier : ctx.dockerfile.stages()) {
            if (earlier.index() < stage.index() && base.equalsIgnoreCase(earlier.name())) {
                start(ctx.images.lookup(built.get(earlier.index())));
                return;
            }
        }
        if (base.equals("scratch")) {
            draft = ConfigDraft.empty();
            imageId = null;
            ctx.say(" ---> Using scratch\n"); // nothing to pull: the first step adds the first layer
            return;
        }
        start(ensure(base, ctx.req.pull()));
    }

    private void start(Image image) {
        draft = ConfigDraft.from(ctx.images.config(image));
        imageId = image.id();
        ctx.say(" ---> " + shortId(imageId) + "\n");
    }

    /** A base image, local or pulled, with the client's credentials for its registry. */
    private Image ensure(String name, boolean always) {
        Credentials creds = null;
        try {
            String host = ImageReference.parse(name).registry();
            creds = ctx.req.credentials().get(host); // keys come normalised: Docker Hub's index URL is docker.io
        } catch (EngineException notAName) {
            // an ID: only local
        }
        return ctx.registry.ensure(name, always ? RegistryService.PullPolicy.ALWAYS : RegistryService.PullPolicy.MISSING,
                Platform.host(), creds, new ProgressListener() {
                    @Override
                    public void message(String text) {
                        ctx.say(text + "\n");
                    }

                    @Override
                    public void layer(String id, String status, long current, long total) {
                        // per-layer progress bars have no place in a build log
                    }
                });
    }

    // ---- instructions ----------------------------------------------------------------------

    private void step(Instruction i) {
        switch (i.keyword()) {
            case "RUN" -> run(i);
            case "COPY", "ADD" -> new CopyStep(ctx, this, i).run();
            case "WORKDIR" -> workdir(i);
            case "ENV" -> {
                Map<String, String> pairs = Words.pairs(i.rest(), escape(), this::lookup, true);
                configStep(i, "ENV " + joinPairs(pairs), () -> pairs.forEach(draft::env));
            }
            case "LABEL" -> {
                Map<String, String> pairs = Words.pairs(i.rest(), escape(), this::lookup, true);
                configStep(i, "LABEL " + joinPairs(pairs), () -> pairs.forEach(draft::label));
            }
            case "MAINTAINER" -> configStep(i, "MAINTAINER " + i.rest(), () -> draft.author(i.rest()));
            case "ARG" -> arg(i);
            case "EXPOSE" -> {
                List<String> ports = ports(i);
                configStep(i, "EXPOSE " + String.join(" ", ports), () -> ports.forEach(draft::expose));
            }
            case "VOLUME" -> {
                List<String> vols = i.json() != null ? i.json() : Words.split(i.rest(), escape(), this::lookup);
                configStep(i, "VOLUME " + vols, () -> vols.forEach(draft::volume));
            }
            case "USER" -> {
                String user = Words.expand(i.rest(), escape(), this::lookup);
                configStep(i, "USER " + user, () -> draft.user(user));
            }
            case "STOPSIGNAL" -> {
                String sig = Words.expand(i.rest(), escape(), this::lookup);
                configStep(i, "STOPSIGNAL " + sig, () -> draft.stopSignal(sig));
            }
            case "CMD" -> {
                List<String> cmd = command(i);
                cmdSet = true;
                configStep(i, "CMD " + jsonList(cmd), () -> draft.cmd(cmd));
            }
            case "ENTRYPOINT" -> {
                List<String> ep = command(i);
                configStep(i, "ENTRYPOINT " + jsonList(ep), () -> {
                    draft.entrypoint(ep);
                    if (!cmdSet) {
                        draft.cmd(List.of()); // an inherited CMD was meant for the base's entrypoint
                    }
                });
            }
            case "SHELL" -> {
                if (i.json() == null || i.json().isEmpty()) {
                    throw EngineException.invalidArgument("Dockerfile line " + i.line()
                            + ": SHELL requires the arguments to be in JSON form");
                }
                configStep(i, "SHELL " + jsonList(i.json()), () -> draft.shell(i.json()));
            }
            case "HEALTHCHECK" -> {
                HealthcheckSpec h = HealthcheckSpec.parse(i);
                configStep(i, "HEALTHCHECK " + i.rest(), () -> draft.healthcheck(h.test(), h.interval().toNanos(),
                        h.timeout().toNanos(), h.startPeriod().toNanos(), h.startInterval().toNanos(), h.retries()));
            }
            case "ONBUILD" -> {
                Dockerfile.parseLine(i.rest(), i.line(), escape()); // refused now, not in the child's build
                configStep(i, "ONBUILD " + i.rest(), () -> draft.addOnBuild(i.rest()));
            }
            default -> throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": unknown instruction: "
                    + i.keyword());
        }
    }

    private void arg(Instruction i) {
        List<String> names = new ArrayList<>();
        for (String word : Words.split(i.rest(), escape(), this::lookup)) {
            int eq = word.indexOf('=');
            String name = eq < 0 ? word : word.substring(0, eq);
            String value = ctx.req.buildArgs().containsKey(name) ? ctx.req.buildArgs().get(name)
                    : eq >= 0 ? word.substring(eq + 1) : ctx.globalArgs.get(name);
            args.put(name, value);
            ctx.usedArgs.add(name);
            names.add(eq < 0 ? name : name + "=" + word.substring(eq + 1));
        }
        configStep(i, "ARG " + String.join(" ", names), () -> {});
    }

    private void workdir(Instruction i) {
        String dir = Words.expand(i.rest(), escape(), this::lookup);
        String abs = normalise(dir.startsWith("/") ? dir : (draft.workingDir().isEmpty() ? "/" : draft.workingDir())
                + "/" + dir);
        String key = BuildCache.key(parentKey(), "WORKDIR " + abs, null);
        if (cached(key)) {
            return;
        }
        try (ImageRoot root = openRoot()) {
            draft.workingDir(abs);
            if (root.exists(abs)) {
                draft.addEmptyLayer(Instant.now(), NOP + "WORKDIR " + abs);
            } else {
                // Docker makes the directory, so that RUN and COPY find it
                draft.addLayer(CopyStep.layerOfDirectory(ctx, abs, root), Instant.now(), NOP + "WORKDIR " + abs, "");
            }
        }
        commit(key);
    }

    private void run(Instruction i) {
        List<String> cmd = i.json() != null ? i.json() : concat(draft.shell(), i.rest());
        Map<String, String> env = new LinkedHashMap<>();
        Map<String, String> imageEnv = draft.envMap();
        args.forEach((k, v) -> {
            if (v != null && !imageEnv.containsKey(k)) {
                env.put(k, v);
            }
        });
        String createdBy = (env.isEmpty() ? "" : "|" + env.size() + " " + joinPairs(env) + " ") + String.join(" ", cmd);
        String key = BuildCache.key(parentKey(), "RUN " + createdBy, null);
        if (cached(key)) {
            return;
        }
        if (imageId == null) {
            throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": RUN on an empty scratch image: "
                    + "there is nothing to run yet");
        }
        List<String> envList = new ArrayList<>();
        env.forEach((k, v) -> envList.add(k + "=" + v));
        StoredContainer c = ctx.containers.create(new CreateRequest(null, imageId, List.of(), cmd, envList,
                draft.workingDir(), draft.user(), Map.of(), false, null, null, null, false, null, false, List.of(), null,
                network()));
        String shortId = shortId(c.id());
        ctx.say(" ---> Running in " + shortId + "\n");
        boolean ok = false;
        boolean cancelled = false;
        try {
            ctx.containers.start(c.id());
            LogReader.follow(ctx.containers.logSource(c.id()), line -> ctx.say(line.text() + "\n"),
                    () -> !ctx.containers.isActive(c.id()));
            int code = ctx.containers.waitForExit(c.id(), Duration.ofDays(1));
            if (code != 0) {
                throw new StepFailed(String.join(" ", cmd), code);
            }
            draft.addLayer(ctx.containers.storeChanges(c.id()), Instant.now(), createdBy, "");
            ok = true;
        } catch (InterruptedException e) {
            cancelled = true;
            Thread.currentThread().interrupt();
            throw EngineException.invalidState("the build was cancelled");
        } catch (java.io.UncheckedIOException clientGone) {
            cancelled = true; // the log could not reach the client: nobody waits for this build
            throw clientGone;
        } catch (IOException e) {
            throw EngineException.internal("reading the output of RUN: " + e.getMessage(), e);
        } finally {
            if (cancelled || (ok ? ctx.req.remove() : ctx.req.forceRemove())) {
                // a cancelled build's interrupt would cut the removal short (it waits for the kill): set aside
                boolean interrupted = Thread.interrupted();
                try {
                    ctx.containers.remove(c.id(), true, true);
                    if (!cancelled) {
                        ctx.say("Removing intermediate container " + shortId + "\n");
                    }
                } catch (RuntimeException e) {
                    ctx.say("Failed to remove intermediate container " + shortId + ": " + e.getMessage() + "\n");
                } finally {
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }
        commit(key);
    }

    private CreateRequest.NetworkRequest network() {
        String mode = ctx.req.networkMode();
        if (mode.isEmpty() || mode.equals("default")) {
            return null;
        }
        return new CreateRequest.NetworkRequest(mode, List.of(), List.of());
    }

    // ---- the steps' common parts -------------------------------------------------------------

    /** A step that only changes the config: cached like any other, so a rebuild gives the same image. */
    private void configStep(Instruction i, String describe, Runnable change) {
        String key = BuildCache.key(parentKey(), describe, null);
        if (cached(key)) {
            return;
        }
        change.run();
        draft.addEmptyLayer(Instant.now(), NOP + describe);
        commit(key);
    }

    /** Takes the cached image of {@code key}, if caching is on and there is one. */
    boolean cached(String key) {
        if (ctx.req.noCache()) {
            return false;
        }
        Optional<Image> hit = ctx.cache.lookup(key);
        if (hit.isEmpty()) {
            return false;
        }
        draft = ConfigDraft.from(ctx.images.config(hit.get()));
        imageId = hit.get().id();
        ctx.say(" ---> Using cache\n ---> " + shortId(imageId) + "\n");
        return true;
    }

    /** Records the draft as the step's intermediate image and remembers it under {@code key}. */
    void commit(String key) {
        Image image = ctx.images.commitIntermediate(draft.bytes());
        imageId = image.id();
        ctx.cache.record(key, imageId);
        ctx.say(" ---> " + shortId(imageId) + "\n");
    }

    String parentKey() {
        return imageId == null ? "scratch" : imageId;
    }

    /** The current image's root, read-only (empty for a scratch stage with no layers yet). */
    ImageRoot openRoot() {
        List<Path> layers = imageId == null ? List.of() : ctx.images.layerDirs(ctx.images.lookup(imageId));
        return ImageRoot.open(layers, ctx.work, ctx.overlay);
    }

    /** An earlier stage's image ({@code --from=<name or index>}) or any image, pulled when missing. */
    Image source(String from) {
        Stage earlier = ctx.dockerfile.stage(from);
        if (earlier != null) {
            if (earlier.index() >= stage.index()) {
                throw EngineException.invalidArgument("COPY --from=" + from + ": a stage can only copy from an earlier "
                        + "stage");
            }
            return ctx.images.lookup(built.get(earlier.index()));
        }
        return ensure(from, false);
    }

    /** The owner of {@code --chown=user[:group]}: names as the image's passwd and group files say. */
    CopyStager.Owner owner(String spec, ImageRoot root) {
        Users.Resolved r = Users.resolve(root.path(), spec);
        return new CopyStager.Owner(r.uid(), spec.contains(":") ? r.gid() : r.uid());
    }

    ConfigDraft currentDraft() {
        return draft;
    }

    char escape() {
        return ctx.dockerfile.escape();
    }

    /** A variable of this stage: ENV first, then ARG; null when neither sets it. */
    String lookup(String name) {
        String env = draft.envMap().get(name);
        return env != null ? env : args.get(name);
    }

    private String global(String name) {
        return ctx.globalArgs.get(name);
    }

    private String expandGlobal(String text) {
        return Words.expand(text, escape(), this::global);
    }

    private List<String> command(Instruction i) {
        return i.json() != null ? i.json() : concat(draft.shell(), i.rest());
    }

    private List<String> ports(Instruction i) {
        List<String> out = new ArrayList<>();
        for (String p : Words.split(i.rest(), escape(), this::lookup)) {
            String proto = p.contains("/") ? p.substring(p.indexOf('/')) : "/tcp";
            String num = p.contains("/") ? p.substring(0, p.indexOf('/')) : p;
            if (!proto.matches("/(tcp|udp|sctp)") || !num.matches("\\d{1,5}(-\\d{1,5})?")) {
                throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": invalid port " + p);
            }
            String[] range = num.split("-");
            int lo = Integer.parseInt(range[0]);
            int hi = range.length > 1 ? Integer.parseInt(range[1]) : lo;
            if (lo < 1 || hi > 65535 || hi < lo) {
                throw EngineException.invalidArgument("Dockerfile line " + i.line() + ": invalid port range " + p);
            }
            for (int port = lo; port <= hi; port++) {
                out.add(port + proto);
            }
        }
        return out;
    }

    static String shortId(String id) {
        String hex = id.startsWith("sha256:") ? id.substring(7) : id;
        return hex.substring(0, 12);
    }

    static String normalise(String path) {
        String n = Path.of("/").resolve(path).normalize().toString();
        return n.isEmpty() ? "/" : n;
    }

    private static List<String> concat(List<String> shell, String command) {
        List<String> out = new ArrayList<>(shell);
        out.add(command);
        return out;
    }

    private static String joinPairs(Map<String, String> pairs) {
        List<String> parts = new ArrayList<>();
        pairs.forEach((k, v) -> parts.add(k + "=" + v));
        return String.join(" ", parts);
    }

    private static String jsonList(List<String> values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.size(); i++) {
            b.append(i == 0 ? "" : " ").append('"').append(values.get(i).replace("\"", "\\\"")).append('"');
        }
        return b.append(']').toString();
    }
}
