package io.jpod.oci;

import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/**
 * Everything the OCI spec of one container depends on; {@link SpecGenerator} turns it into
 * {@code config.json} without side effects.
 *
 * @param cgroupsPath the OCI {@code linux.cgroupsPath} (cgroupfs path or systemd {@code slice:prefix:name})
 * @param maxNofile the caller's hard RLIMIT_NOFILE: a spec asking for more fails in runc with EPERM
 * @param maxNproc the caller's hard RLIMIT_NPROC
 * @param etcFiles host files bind-mounted over {@code /etc/hosts}, {@code /etc/hostname}, {@code /etc/resolv.conf}
 * @param seccomp the OCI {@code linux.seccomp} object, null for none
 * @param mounts the user's mounts (binds, volumes as binds, tmpfs), after the defaults; one at a
 *     default's destination replaces it
 * @param joinNamespaces OCI namespace type ({@code network}, {@code ipc}, {@code uts}...) to the path of
 *     one to join (a pod's infra container's), or {@code host} for the host's; the others are new
 * @param security capabilities, privileges and the like; null for the defaults
 * @param limits cgroup limits, rlimits, OOM score and shm size; its pids limit replaces {@code pidsLimit}
 */
public record SpecOptions(String id, String hostname, List<String> args, List<String> env, String cwd, int uid,
        int gid, List<Integer> additionalGids, boolean terminal, Path rootfs, String cgroupsPath, long pidsLimit,
        long maxNofile, long maxNproc, List<EtcFile> etcFiles, boolean cgroupV2, ObjectNode seccomp,
        List<Mount> mounts, java.util.Map<String, String> joinNamespaces, Security security, ResourceSpec limits) {

    public SpecOptions {
        args = List.copyOf(args);
        env = List.copyOf(env);
        additionalGids = List.copyOf(additionalGids);
        etcFiles = List.copyOf(etcFiles);
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        joinNamespaces = joinNamespaces == null ? java.util.Map.of() : java.util.Map.copyOf(joinNamespaces);
        security = security == null ? Security.DEFAULT : security;
        limits = limits == null ? ResourceSpec.NONE : limits;
    }

    /** Without limits of its own. */
    public SpecOptions(String id, String hostname, List<String> args, List<String> env, String cwd, int uid, int gid,
            List<Integer> additionalGids, boolean terminal, Path rootfs, String cgroupsPath, long pidsLimit,
            long maxNofile, long maxNproc, List<EtcFile> etcFiles, boolean cgroupV2, ObjectNode seccomp,
            List<Mount> mounts, java.util.Map<String, String> joinNamespaces, Security security) {
        this(id, hostname, args, env, cwd, uid, gid, additionalGids, terminal, rootfs, cgroupsPath, pidsLimit,
                maxNofile, maxNproc, etcFiles, cgroupV2, seccomp, mounts, joinNamespaces, security, null);
    }

    /** Without a seccomp filter. */
    public SpecOptions(String id, String hostname, List<String> args, List<String> env, String cwd, int uid, int gid,
            List<Integer> additionalGids, boolean terminal, Path rootfs, String cgroupsPath, long pidsLimit,
            long maxNofile, long maxNproc, List<EtcFile> etcFiles, boolean cgroupV2) {
        this(id, hostname, args, env, cwd, uid, gid, additionalGids, terminal, rootfs, cgroupsPath, pidsLimit,
                maxNofile, maxNproc, etcFiles, cgroupV2, null, List.of(), java.util.Map.of(), null, null);
    }

    /**
     * What the security options make of the spec.
     *
     * @param capabilities the bounding set; a root process also has it effective and permitted
     * @param added the capabilities asked for explicitly: all a non-root process has effective
     * @param privileged no masked or read-only paths, /sys and cgroups writable, every device allowed
     * @param readOnlyTmpfs with a read-only root: writable tmpfs at /run, /tmp, /var/tmp
     * @param devices device nodes made in the container and allowed by its device cgroup
     */
    public record Security(List<String> capabilities, List<String> added, boolean privileged, boolean noNewPrivileges,
            boolean readOnlyRoot, boolean readOnlyTmpfs, List<DeviceNode> devices,
            java.util.Map<String, String> sysctl) {

        public static final Security DEFAULT = new Security(SpecGenerator.DEFAULT_CAPABILITIES, List.of(), false,
                false, false, true, List.of(), java.util.Map.of());

        public Security {
            capabilities = List.copyOf(capabilities);
            added = List.copyOf(added);
            devices = List.copyOf(devices);
            sysctl = java.util.Map.copyOf(sysctl);
        }
    }

    /** One OCI mount entry. */
    public record Mount(String destination, String type, String source, List<String> options) {
        public Mount {
            options = List.copyOf(options);
        }
    }

    /** A host file bind-mounted read-write at {@code destination}. */
    public record EtcFile(Path source, String destination) {}
}
