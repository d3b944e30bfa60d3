package io.jpod.oci;

import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds a container's OCI runtime {@code config.json} the way podman does for a plain rootful
 * container (facts §6): default capabilities, rlimits (capped at the caller's hard limits), the
 * standard mounts, private namespaces, masked and read-only paths, a device deny-all rule; then
 * what the container's {@link SpecOptions.Security} changes (capabilities, privileged, read-only
 * root, devices, sysctls, no-new-privileges).
 */
public final class SpecGenerator {

    public static final String OCI_VERSION = "1.0.2-dev";

    public static final List<String> DEFAULT_CAPABILITIES = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_SETFCAP", "CAP_SETGID", "CAP_SETPCAP", "CAP_SETUID",
            "CAP_SYS_CHROOT");
    static final List<String> MASKED_PATHS = List.of("/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/sched_debug", "/proc/scsi", "/proc/timer_list", "/proc/timer_stats", "/sys/devices/virtual/powercap",
            "/sys/firmware", "/sys/fs/selinux", "/proc/interrupts");
    static final List<String> READONLY_PATHS = List.of("/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq",
            "/proc/sys", "/proc/sysrq-trigger");
    static final long DEFAULT_RLIMIT = 1_048_576L;

    private final JsonMapper json;

    public SpecGenerator(JsonMapper json) {
        this.json = json;
    }

    public ObjectNode generate(SpecOptions o) {
        ObjectNode spec = json.createObjectNode();
        spec.put("ociVersion", OCI_VERSION);
        process(spec.putObject("process"), o);
        spec.putObject("root").put("path", o.rootfs().toString()).put("readonly", o.security().readOnlyRoot());
        if (!o.joinNamespaces().containsKey("uts")) {
            spec.put("hostname", o.hostname()); // runc refuses a hostname in a UTS namespace it joins
        }
        mounts(spec.putArray("mounts"), o);
        linux(spec.putObject("linux"), o);
        return spec;
    }

    /** The OCI process object alone, as {@code runc exec --process} takes it. */
    public ObjectNode process(SpecOptions o) {
        ObjectNode p = json.createObjectNode();
        process(p, o);
        return p;
    }

    private static void process(ObjectNode p, SpecOptions o) {
        p.put("terminal", o.terminal());
        ObjectNode user = p.putObject("user").put("uid", o.uid()).put("gid", o.gid()).put("umask", 0022);
        if (!o.additionalGids().isEmpty()) {
            ArrayNode gids = user.putArray("additionalGids");
            o.additionalGids().forEach(gids::add);
        }
        ArrayNode args = p.putArray("args");
        o.args().forEach(args::add);
        ArrayNode env = p.putArray("env");
        o.env().forEach(env::add);
        p.put("cwd", o.cwd().isEmpty() ? "/" : o.cwd());
        ObjectNode caps = p.putObject("capabilities");
        SpecOptions.Security sec = o.security();
        // a non-root user has the bounding set, but only what was added explicitly in effect, as in podman
        List<String> inEffect = o.uid() == 0 ? sec.capabilities()
                : sec.added().stream().filter(sec.capabilities()::contains).toList();
        sec.capabilities().forEach(caps.putArray("bounding")::add);
        for (String set : List.of("effective", "permitted")) {
            inEffect.forEach(caps.putArray(set)::add);
        }
        for (String set : List.of("inheritable", "ambient")) {
            ArrayNode a = caps.putArray(set);
            if (o.uid() != 0) {
                inEffect.forEach(a::add); // ambient needs inheritable, and keeps them across execve
            }
        }
        ArrayNode rlimits = p.putArray("rlimits");
        List<ResourceSpec.Rlimit> own = o.limits().rlimits();
        java.util.Set<String> given = new java.util.HashSet<>();
        own.forEach(r -> given.add(r.type()));
        if (!given.contains("RLIMIT_NOFILE")) {
            rlimit(rlimits, "RLIMIT_NOFILE", Math.min(DEFAULT_RLIMIT, o.maxNofile()));
        }
        if (!given.contains("RLIMIT_NPROC")) {
            rlimit(rlimits, "RLIMIT_NPROC", Math.min(DEFAULT_RLIMIT, o.maxNproc()));
        }
        own.forEach(r -> ResourceSpec.rlimit(rlimits, r.type(), r.soft(), r.hard()));
        p.put("noNewPrivileges", sec.noNewPrivileges());
        if (o.limits().oomScoreAdj() != null) {
            p.put("oomScoreAdj", o.limits().oomScoreAdj());
        }
    }

    private static void rlimit(ArrayNode rlimits, String type, long value) {
        ResourceSpec.rlimit(rlimits, type, value, value);
    }

    private static void mounts(ArrayNode all, SpecOptions o) {
        ArrayNode m = all.arrayNode();
        boolean privileged = o.security().privileged();
        mount(m, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(m, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(m, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620",
                "gid=5");
        mount(m, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        String sysAccess = privileged ? "rw" : "ro";
        mount(m, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", sysAccess);
        mount(m, "/sys/fs/cgroup", "cgroup", "cgroup", "rprivate", "nosuid", "noexec", "nodev", "relatime",
                sysAccess);
        Long shm = o.limits().shmSize();
        mount(m, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777",
                shm == null ? "size=65536k" : "size=" + shm);
        if (o.security().readOnlyRoot() && o.security().readOnlyTmpfs()) {
            // podman's --read-only-tmpfs: the places programs expect to write stay writable
            for (String d : List.of("/run", "/tmp", "/var/tmp")) {
                mount(m, d, "tmpfs", "tmpfs", "rw", "rprivate", "nosuid", "nodev", "tmpcopyup");
            }
        }
        for (SpecOptions.EtcFile f : o.etcFiles()) {
            mount(m, f.destination(), "bind", f.source().toString(), "rbind", "rprivate");
        }
        // a user's mount at a default's destination replaces the default
        java.util.Set<String> taken = new java.util.HashSet<>();
        o.mounts().forEach(u -> taken.add(u.destination()));
        for (var d : m) {
            if (!taken.contains(d.path("destination").asString())) {
                all.add(d);
            }
        }
        for (SpecOptions.Mount u : o.mounts()) {
            mount(all, u.destination(), u.type(), u.source(), u.options().toArray(String[]::new));
        }
    }

    private static void mount(ArrayNode m, String destination, String type, String source, String... options) {
        ObjectNode n = m.addObject().put("destination", destination).put("type", type).put("source", source);
        ArrayNode opts = n.putArray("options");
        for (String option : options) {
            opts.add(option);
        }
    }

    private static void linux(ObjectNode l, SpecOptions o) {
        ArrayNode ns = l.putArray("namespaces");
        for (String type : o.cgroupV2() ? List.of("pid", "network", "ipc", "uts", "mount", "cgroup")
                : List.of("pid", "network", "ipc", "uts", "mount")) {
            String path = o.joinNamespaces().get(type);
            if ("host".equals(path)) {
                continue; // no namespace of its own: the host's
            }
            ObjectNode n = ns.addObject().put("type", type);
            if (path != null) {
                n.put("path", path);
            }
        }
        l.put("cgroupsPath", o.cgroupsPath());
        SpecOptions.Security sec = o.security();
        if (o.seccomp() != null) {
            l.set("seccomp", o.seccomp());
        }
        if (!sec.sysctl().isEmpty()) {
            ObjectNode sysctl = l.putObject("sysctl");
            new java.util.TreeMap<>(sec.sysctl()).forEach(sysctl::put);
        }
        ArrayNode devices = l.putArray("devices");
        ObjectNode resources = l.putObject("resources");
        ArrayNode rules = resources.putArray("devices");
        rules.addObject().put("allow", sec.privileged()).put("access", "rwm");
        for (DeviceNode d : sec.devices()) {
            devices.addObject().put("path", d.path()).put("type", d.type()).put("major", d.major())
                    .put("minor", d.minor()).put("fileMode", d.fileMode()).put("uid", d.uid()).put("gid", d.gid());
            if (!sec.privileged()) {
                rules.addObject().put("allow", true).put("type", d.type()).put("major", d.major())
                        .put("minor", d.minor()).put("access", d.access());
            }
        }
        o.limits().writeTo(resources);
        if (o.limits().pids() == null && o.pidsLimit() > 0) {
            resources.putObject("pids").put("limit", o.pidsLimit());
        }
        // a privileged container sees the host's /proc and /sys as they are
        ArrayNode masked = l.putArray("maskedPaths");
        ArrayNode readonly = l.putArray("readonlyPaths");
        if (!sec.privileged()) {
            MASKED_PATHS.forEach(masked::add);
            READONLY_PATHS.forEach(readonly::add);
        }
    }
}
