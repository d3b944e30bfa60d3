package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.oci.Capabilities;
import io.jpod.oci.DeviceNode;
import io.jpod.oci.SeccompProfile;
import io.jpod.oci.SpecGenerator;
import io.jpod.oci.SpecOptions;
import io.jpod.state.ContainerConfig.Device;
import io.jpod.state.ContainerConfig.Security;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A container's security options: checked and normalised at create (an option jpod cannot honour is
 * refused, never dropped), and turned into the runtime spec at init. Nothing but an explicit option
 * gives a container more than libpod's default capabilities, masked paths and seccomp profile.
 */
public final class ContainerSecurity {

    /** Sysctl prefixes of the IPC namespace (the others a container may set belong to its network namespace). */
    private static final List<String> IPC_SYSCTLS = List.of("kernel.shm", "kernel.msgmax", "kernel.msgmnb",
            "kernel.msgmni", "kernel.sem", "fs.mqueue.");

    private final State state;
    private final JsonMapper json;

    ContainerSecurity(State state, JsonMapper json) {
        this.state = state;
        this.json = json;
    }

    /** The container's capability set (bounding; effective too for a root process). */
    public static List<String> capabilities(Security s) {
        List<String> all = Capabilities.host();
        return Capabilities.resolve(s.privileged() ? all : SpecGenerator.DEFAULT_CAPABILITIES, all, s.capAdd(),
                s.capDrop());
    }

    /**
     * Checks a request and normalises it for storage.
     *
     * @param networkMode the planned network mode ({@code bridge}, {@code none}, {@code host}, {@code pod},
     *     {@code container:ID})
     * @param pod the pod joined, null for none
     */
    Security plan(CreateRequest.SecurityRequest r, String networkMode, StoredPod pod) {
        List<String> add = Capabilities.normalize(r.capAdd());
        List<String> drop = Capabilities.normalize(r.capDrop());
        boolean noNewPrivileges = false;
        String seccomp = "";
        for (String opt : r.securityOpt()) {
            int eq = opt.indexOf('=');
            int sep = eq >= 0 ? eq : opt.indexOf(':'); // the old docker form: seccomp:unconfined
            String key = sep < 0 ? opt : opt.substring(0, sep);
            String value = sep < 0 ? "" : opt.substring(sep + 1);
            switch (key) {
                case "no-new-privileges" -> noNewPrivileges = switch (value) {
                    case "", "true" -> true;
                    case "false" -> false;
                    default -> throw EngineException.invalidArgument("invalid no-new-privileges value \"" + value
                            + "\": use true or false");
                };
                case "seccomp" -> seccomp = seccomp(value);
                case "label" -> {
                    if (!value.equals("disable")) {
                        throw EngineException.invalidArgument("security option label=" + value + " cannot be "
                                + "honoured: jpod runs containers without SELinux labels (only label=disable)");
                    }
                }
                case "apparmor" -> {
                    if (!value.equals("unconfined")) {
                        throw EngineException.invalidArgument("security option apparmor=" + value + " cannot be "
                                + "honoured: jpod applies no AppArmor profiles (only apparmor=unconfined)");
                    }
                }
                default -> throw EngineException.invalidArgument("security option \"" + abbreviate(opt)
                        + "\" is not supported: use no-new-privileges, seccomp=unconfined|<profile>, label=disable "
                        + "or apparmor=unconfined");
            }
        }
        if (!r.userns().isEmpty() && !r.userns().equals("host")) {
            throw EngineException.invalidArgument("user namespace mode \"" + r.userns() + "\" is not supported: "
                    + "containers run in the host's user namespace (--userns=host)");
        }
        String pidMode = namespaceMode("pid", r.pidMode(), pod);
        String ipcMode = namespaceMode("ipc", r.ipcMode(), pod);
        String utsMode = namespaceMode("uts", r.utsMode(), pod);
        List<Device> devices = new ArrayList<>();
        for (String d : r.devices()) {
            devices.add(device(d));
        }
        for (String g : r.groupAdd()) {
            if (!g.matches("\\d+") && !g.matches("[A-Za-z_][A-Za-z0-9_.-]*")) {
                throw EngineException.invalidArgument("invalid group \"" + g + "\" for --group-add: use a group name "
                        + "or a GID");
            }
        }
        for (String key : r.sysctls().keySet()) {
            checkSysctl(key, networkMode, ipcMode);
        }
        return new Security(r.privileged(), add, drop, noNewPrivileges, seccomp, r.securityOpt(), r.readOnly(),
                r.readOnlyTmpfs() == null || r.readOnlyTmpfs(), devices, r.groupAdd(), r.sysctls(), r.userns(),
                pidMode, ipcMode, utsMode);
    }

    /** {@code unconfined}, a profile's JSON (the docker CLI reads the file and sends it), or a path on this host. */
    private String seccomp(String value) {
        if (value.equals("unconfined")) {
            return value;
        }
        if (value.isEmpty() || value.equals("builtin")) {
            return "";
        }
        byte[] content;
        String name;
        if (value.strip().startsWith("{")) {
            content = value.getBytes(StandardCharsets.UTF_8);
            name = "given";
        } else if (value.startsWith("/")) {
            try {
                content = Files.readAllBytes(Path.of(value));
            } catch (IOException e) {
                throw EngineException.invalidArgument("seccomp profile " + value + " cannot be read: "
                        + e.getMessage());
            }
            name = value;
        } else {
            throw EngineException.invalidArgument("seccomp=" + abbreviate(value) + ": give unconfined, a profile's "
                    + "JSON or an absolute path on the daemon's host");
        }
        try {
            SeccompProfile.parse(null, name, content, json);
        } catch (EngineException e) {
            if (value.startsWith("/")) {
                // the parser quotes what it read: never echo a host file's content to the client
                throw EngineException.invalidArgument("seccomp profile " + value + " is not a valid profile");
            }
            throw e;
        }
        return new String(content, StandardCharsets.UTF_8);
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "..." : s;
    }

    /** {@code ""} (a namespace of its own), {@code host} or {@code container:<full id>}. */
    private String namespaceMode(String kind, String mode, StoredPod pod) {
        String m = mode.equals("private") || (kind.equals("ipc") && mode.equals("shareable")) ? "" : mode;
        if (!m.isEmpty() && pod != null && pod.config().hasInfra() && pod.config().sharedNamespaces().contains(kind)) {
            throw EngineException.invalidArgument("a container sharing its pod's " + kind + " namespace cannot "
                    + "choose " + kind + " mode " + m);
        }
        if (m.isEmpty() || m.equals("host")) {
            return m;
        }
        if (m.startsWith("container:")) {
            String other = m.substring("container:".length());
            try {
                return "container:" + state.lookupContainer(other).id();
            } catch (EngineException e) {
                if (e.category() != EngineException.Category.NOT_FOUND) {
                    throw e;
                }
                // not a 404: the docker CLI takes a 404 from create for a missing image and pulls
                throw EngineException.invalidArgument("container " + other + ", whose " + kind + " namespace was "
                        + "asked for, does not exist");
            }
        }
        throw EngineException.invalidArgument("unknown " + kind + " namespace mode \"" + mode + "\": use host or "
                + "container:<name or id>");
    }

    /** {@code /dev/host[:/dev/container[:rwm]]}, the host side a device node. */
    static Device device(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw EngineException.invalidArgument("invalid device \"" + spec + "\": use /dev/host[:/dev/container"
                    + "[:rwm]]");
        }
        String host = parts[0];
        String target = host;
        String perms = "rwm";
        if (parts.length == 2 && parts[1].matches("[rwm]+")) {
            perms = parts[1];
        } else if (parts.length >= 2) {
            target = parts[1].isEmpty() ? host : parts[1];
            if (parts.length == 3) {
                perms = parts[2];
            }
        }
        if (!host.startsWith("/") || !target.startsWith("/") || target.contains("/../") || target.endsWith("/..")) {
            throw EngineException.invalidArgument("invalid device \"" + spec + "\": paths must be absolute");
        }
        if (!perms.matches("[rwm]{1,3}")) {
            throw EngineException.invalidArgument("invalid device permissions \"" + perms + "\": letters of rwm");
        }
        DeviceNode.of(Path.of(host), target, perms); // a device node now, or the client's mistake
        return new Device(host, target, perms);
    }

    /** Only namespaced sysctls, each in a namespace the container has to itself (or shares with its pod). */
    static void checkSysctl(String key, String networkMode, String ipcMode) {
        if (!key.matches("[A-Za-z0-9_.-]+") || key.contains("..")) {
            throw EngineException.invalidArgument("invalid sysctl name \"" + key + "\"");
        }
        if (key.startsWith("net.")) {
            if (networkMode.equals("host") || networkMode.startsWith("container:")) {
                throw EngineException.invalidArgument("sysctl " + key + " cannot be set: the container shares the "
                        + (networkMode.equals("host") ? "host's" : "other container's") + " network namespace");
            }
            return;
        }
        if (IPC_SYSCTLS.stream().anyMatch(key::startsWith)) {
            if (!ipcMode.isEmpty()) {
                throw EngineException.invalidArgument("sysctl " + key + " cannot be set: the container shares "
                        + (ipcMode.equals("host") ? "the host's" : "another container's") + " IPC namespace");
            }
            return;
        }
        throw EngineException.invalidArgument("sysctl " + key + " is not namespaced: setting it would change the "
                + "host (allowed: net.*, kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*)");
    }

    /** What the settings make of the runtime spec; {@code privileged} brings every host device. */
    static SpecOptions.Security spec(Security s) {
        List<DeviceNode> devices = new ArrayList<>(s.privileged() ? DeviceNode.host() : List.of());
        for (Device d : s.devices()) {
            devices.removeIf(n -> n.path().equals(d.containerPath()));
            devices.add(DeviceNode.of(Path.of(d.hostPath()), d.containerPath(), d.permissions()));
        }
        List<String> added = s.capAdd().contains(Capabilities.ALL) ? Capabilities.host() : s.capAdd();
        return new SpecOptions.Security(capabilities(s), added, s.privileged(), s.noNewPrivileges(), s.readOnly(),
                s.readOnlyTmpfs(), devices, s.sysctls());
    }

    /** The process-level part of {@link #spec} alone (an exec session's), without looking at host devices. */
    static SpecOptions.Security processSecurity(Security s) {
        List<String> added = s.capAdd().contains(Capabilities.ALL) ? Capabilities.host() : s.capAdd();
        return new SpecOptions.Security(capabilities(s), added, s.privileged(), s.noNewPrivileges(), s.readOnly(),
                s.readOnlyTmpfs(), List.of(), s.sysctls());
    }

    /**
     * The pid, ipc and uts namespaces the container joins: the host's or another running
     * container's ({@code /proc/<pid>/ns/...}); OCI type names.
     */
    Map<String, String> namespaces(Security s) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> modes = new LinkedHashMap<>();
        modes.put("pid", s.pidMode());
        modes.put("ipc", s.ipcMode());
        modes.put("uts", s.utsMode());
        modes.forEach((type, mode) -> {
            if (mode.equals("host")) {
                out.put(type, "host");
            } else if (mode.startsWith("container:")) {
                StoredContainer other = state.container(mode.substring("container:".length()));
                if (other.state().status() != ContainerStatus.RUNNING || other.state().pid() <= 0) {
                    throw EngineException.invalidState("container " + other.id() + ", whose " + type
                            + " namespace this container shares, is not running");
                }
                out.put(type, "/proc/" + other.state().pid() + "/ns/" + type);
            }
        });
        return out;
    }

    /**
     * The host's /dev/shm for a container in the host's IPC namespace, so POSIX shared memory is
     * shared along with the System V one (as in Docker); null otherwise ({@link ShmMounts} covers
     * the other cases).
     *
     * @param ipcPath the namespace path {@link #namespaces} chose for {@code ipc}, null for none
     */
    static SpecOptions.Mount shmMount(String ipcPath) {
        if (!"host".equals(ipcPath)) {
            return null;
        }
        return new SpecOptions.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate"));
    }

    /** The {@code --group-add} groups as GIDs: numbers as they are, names from the container's /etc/group. */
    static List<Integer> groups(Path rootfs, Security s) {
        List<Integer> out = new ArrayList<>();
        for (String g : s.groupAdd()) {
            int gid = g.matches("\\d+") ? Integer.parseInt(g) : Users.resolve(rootfs, "0:" + g).gid();
            if (!out.contains(gid)) {
                out.add(gid);
            }
        }
        return out;
    }
}
