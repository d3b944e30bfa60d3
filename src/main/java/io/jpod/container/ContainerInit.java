package io.jpod.container;

import io.jpod.config.RuntimeConfig;
import io.jpod.container.ContainerPaths.Layout;
import io.jpod.error.EngineException;
import io.jpod.host.Cgroups;
import io.jpod.host.HostFacts;
import io.jpod.image.Image;
import io.jpod.image.ImageStore;
import io.jpod.oci.Created;
import io.jpod.oci.CreateRequest;
import io.jpod.oci.OciRuntime;
import io.jpod.oci.SeccompProfile;
import io.jpod.oci.SpecGenerator;
import io.jpod.oci.SpecOptions;
import io.jpod.state.ContainerConfig.RunConfig;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.storage.PosixFiles;
import io.jpod.storage.VfsRootfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCI runtime step (libpod's init): the root filesystem mounted (overlay or vfs), the /etc files
 * written, the namespaces set up or joined, the runtime spec with its seccomp filter written, and the
 * container created under conmon. A failure leaves nothing mounted or attached.
 */
final class ContainerInit {

    private static final Log LOG = LogFactory.getLog(ContainerInit.class);

    private final State state;
    private final ImageStore images;
    private final OciRuntime oci;
    private final MountPlanner mounts;
    private final ContainerNetworking networking;
    private final ContainerPaths paths;
    private final RuntimeConfig config;
    private final JsonMapper json;
    private final SpecGenerator specs;
    private final ContainerSecurity security;
    private final ShmMounts shm;
    /** The host's default seccomp profile; null when the host has none. */
    private final SeccompProfile seccomp;
    private final String seccompError;
    private final LogRotation logs;

    ContainerInit(State state, ImageStore images, OciRuntime oci, MountPlanner mounts, ContainerNetworking networking,
            ContainerPaths paths, RuntimeConfig config, JsonMapper json, ContainerSecurity security, boolean rootless,
            LogRotation logs) {
        this.logs = logs;
        this.security = security;
        this.state = state;
        this.images = images;
        this.oci = oci;
        this.mounts = mounts;
        this.networking = networking;
        this.paths = paths;
        this.config = config;
        this.json = json;
        this.specs = new SpecGenerator(json);
        this.shm = new ShmMounts(state, paths, rootless);
        SeccompProfile profile = null;
        String seccompFailure = null;
        try {
            profile = SeccompProfile.find(SeccompProfile.DEFAULT_PATHS, json);
        } catch (EngineException e) {
            // a broken profile must not silently drop the filter: starts fail with this message
            seccompFailure = e.getMessage();
            LOG.error(seccompFailure + ": containers cannot start until it is fixed");
        }
        this.seccompError = seccompFailure;
        this.seccomp = profile;
        if (profile == null && seccompFailure == null) {
            LOG.warn("no seccomp profile at " + SeccompProfile.DEFAULT_PATHS + ": containers run without a seccomp "
                    + "filter (apt-get install golang-github-containers-common provides the default one)");
        }
    }

    /** OCI create through conmon: rootfs mounted, spec written, state Created. */
    StoredContainer init(StoredContainer c) {
        RunConfig run = c.config().run();
        if (seccompError != null && run.security().seccomp().isEmpty() && !run.security().privileged()) {
            throw EngineException.invalidArgument(seccompError);
        }
        networking.links().checkTargets(c); // before anything is set up: a stopped target is the client's to start
        Layout l = paths.layout(c.id());
        Image image = images.lookup(c.config().rootfsImageId());
        mountRootfs(l, images.layerDirs(image));
        try {
            Files.deleteIfExists(paths.exitFile(c.id()));
            Files.deleteIfExists(paths.persistDir(c.id()).resolve("oom")); // a past run's OOM kill
            Users.Resolved user = Users.resolve(l.merged(), run.user());
            List<String> env = new ArrayList<>(run.env());
            if (env.stream().noneMatch(e -> e.startsWith("HOME="))) {
                env.add("HOME=" + user.home());
            }
            var rl = HostLimits.read();
            Map<String, String> own = security.namespaces(run.security());
            Map<String, String> joined = new java.util.LinkedHashMap<>(own);
            joined.putAll(networking.joined(c));
            List<SpecOptions.Mount> specMounts = new ArrayList<>();
            SpecOptions.Mount devShm = shm.prepare(c, joined.get("ipc"), networking.infraOf(c));
            if (devShm != null) {
                specMounts.add(devShm); // none: runc's own tmpfs (rootless)
            }
            specMounts.addAll(mounts.specMounts(run.mounts(), l.merged()));
            if (run.init().enabled()) {
                InitPlanner.check(run.init().path()); // the package may have gone since create
                specMounts.add(InitPlanner.mount(run.init()));
            }
            c = state.container(c.id()); // the network set-up saved its namespace
            for (String kv : networking.links().env(c, id -> images.lookup(id).config().exposedPorts())) {
                String key = kv.substring(0, kv.indexOf('=') + 1);
                if (env.stream().noneMatch(e -> e.startsWith(key))) {
                    env.add(kv); // the container's own variables win
                }
            }
            networking.writeEtcFiles(l.userdata(), c); // with its addresses and its networks' resolvers
            SpecOptions.Security sec = ContainerSecurity.spec(run.security());
            List<Integer> groups = new ArrayList<>(user.additionalGids());
            ContainerSecurity.groups(l.merged(), run.security()).stream().filter(g -> !groups.contains(g))
                    .forEach(groups::add);
            SpecOptions opts = new SpecOptions(c.id(), run.hostname(), InitPlanner.args(run.init(), run.args()), env,
                    run.workingDir(), user.uid(),
                    user.gid(), groups, run.tty(), l.merged(), cgroupsPath(c.id()), 2048,
                    rl.nofile(), rl.nproc(), List.of(new SpecOptions.EtcFile(l.userdata().resolve("hosts"), "/etc/hosts"),
                            new SpecOptions.EtcFile(l.userdata().resolve("hostname"), "/etc/hostname"),
                            new SpecOptions.EtcFile(l.userdata().resolve("resolv.conf"), "/etc/resolv.conf")),
                    Cgroups.version(Path.of("/sys/fs/cgroup")).equals("v2"),
                    seccomp(run.security(), sec.capabilities()), specMounts, joined, sec,
                    ResourcePlanner.spec(run.resources()));
            ObjectNode spec = specs.generate(opts);
            if (spec.has("hostname") && !run.names().domainname().isEmpty()) {
                spec.put("domainname", run.names().domainname()); // set in the container's own UTS namespace
            }
            Files.write(l.userdata().resolve("config.json"), json.writeValueAsBytes(spec));
            if (!run.log().none() && run.log().maxFile() > 1) {
                logs.prepare(paths.log(c.id()), run.log().maxFile()); // before conmon opens it
            }
            Created created = oci.create(new CreateRequest(c.id(), c.name(), l.userdata(), paths.persistDir(c.id()),
                    run.log().none() ? null : paths.log(c.id()),
                    run.log().maxSize() > 0 ? run.log().maxSize() : config.maxLogSize(), config.noPivotRoot(),
                    run.tty(), run.stdin()));
            try {
                return Transitions.save(state, c, c.state().initialized(created.pid(), created.conmonPid(),
                        l.merged().toString(), l.userdata().toString()));
            } catch (RuntimeException e) {
                // not recorded (a read-only or locked state): no clean-up would ever find the runtime's container
                try {
                    oci.delete(c.id());
                } catch (RuntimeException delete) {
                    e.addSuppressed(delete);
                }
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            PosixFiles.unmount(l.merged());
            ShmMounts.release(paths, c.id());
            try {
                StoredContainer now = state.container(c.id());
                state.saveContainerState(c.id(), networking.release(now, now.state()));
            } catch (RuntimeException cleanup) {
                LOG.warn("tearing down the network of " + c.id() + ": " + cleanup.getMessage());
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw EngineException.internal("preparing " + c.id() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The container's OCI seccomp filter: none when unconfined or privileged without a profile of its own,
     * else its profile or the host's default, with the rules its capabilities enable.
     */
    private ObjectNode seccomp(io.jpod.state.ContainerConfig.Security s, List<String> caps) {
        String chosen = s.seccomp();
        if (chosen.equals("unconfined") || (chosen.isEmpty() && s.privileged())) {
            return null;
        }
        SeccompProfile profile = chosen.isEmpty() ? seccomp
                : SeccompProfile.parse(null, "of the container",
                        chosen.getBytes(java.nio.charset.StandardCharsets.UTF_8), json);
        return profile == null ? null : profile.toOci(json, caps, HostFacts.arch(), HostFacts.system().kernel());
    }

    private String cgroupsPath(String id) {
        return "systemd".equals(config.cgroupManager()) ? "machine.slice:jpod:" + id : "/jpod_parent/jpod-" + id;
    }

    private void mountRootfs(Layout l, List<Path> layers) {
        try {
            Files.createDirectories(l.diff());
            Files.createDirectories(l.work());
            Files.createDirectories(l.merged());
        } catch (IOException e) {
            throw EngineException.internal("creating rootfs directories: " + e.getMessage(), e);
        }
        if ("vfs".equals(config.storage().driver())) {
            VfsRootfs.populate(l.merged(), layers);
            return;
        }
        if (!"overlay".equals(config.storage().driver())) {
            throw EngineException.invalidArgument("graph driver \"" + config.storage().driver()
                    + "\" is not supported: use overlay or vfs");
        }
        PosixFiles.unmount(l.merged());
        List<String> lower = new ArrayList<>();
        for (int i = layers.size() - 1; i >= 0; i--) {
            lower.add(layers.get(i).toString()); // overlayfs lists the top layer first
        }
        PosixFiles.mount("overlay", l.merged(), "overlay", "lowerdir=" + String.join(":", lower) + ",upperdir="
                + l.diff() + ",workdir=" + l.work());
    }
}
