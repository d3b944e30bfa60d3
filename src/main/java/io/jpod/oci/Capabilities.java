package io.jpod.oci;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Linux capability names, and a container's set from the default one with {@code --cap-add} and
 * {@code --cap-drop} applied as Docker and podman do.
 */
public final class Capabilities {

    /** Every capability name, in kernel numbering (0 = CAP_CHOWN). */
    public static final List<String> KNOWN = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH",
            "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
            "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
            "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG",
            "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
            "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON",
            "CAP_BPF", "CAP_CHECKPOINT_RESTORE");

    public static final String ALL = "ALL";

    private Capabilities() {}

    /** {@code net_admin}, {@code CAP_NET_ADMIN}, {@code all}: the canonical name; an unknown name is refused. */
    public static String normalize(String name) {
        String n = name == null ? "" : name.strip().toUpperCase(Locale.ROOT);
        if (n.equals(ALL) || n.equals("CAP_ALL")) {
            return ALL;
        }
        String full = n.startsWith("CAP_") ? n : "CAP_" + n;
        if (!KNOWN.contains(full)) {
            throw EngineException.invalidArgument("unknown capability \"" + name + "\"");
        }
        return full;
    }

    public static List<String> normalize(Collection<String> names) {
        return List.copyOf(new LinkedHashSet<>(names.stream().map(Capabilities::normalize).toList()));
    }

    /**
     * The capabilities the daemon can give: those this kernel knows ({@code /proc/sys/kernel/cap_last_cap})
     * and the daemon's own bounding set holds (runc cannot raise one outside it, e.g. inside a
     * container that lacks CAP_SYS_RESOURCE).
     */
    public static List<String> host() {
        int last = KNOWN.size() - 1;
        long bounding = -1L;
        try {
            // readAllLines: Files.readString stops early on this sysctl file (it read "4" of "40")
            last = Math.min(last, Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/kernel/cap_last_cap"))
                    .get(0).strip()));
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapBnd:")) {
                    bounding = Long.parseUnsignedLong(line.substring("CapBnd:".length()).strip(), 16);
                }
            }
        } catch (IOException | RuntimeException e) {
            // an older kernel without the file: the names up to CAP_AUDIT_READ existed long before it
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i <= last; i++) {
            if ((bounding & (1L << i)) != 0) {
                out.add(KNOWN.get(i));
            }
        }
        return out;
    }

    /**
     * The set from {@code defaults}: {@code ALL} in {@code add} starts from every capability (then the
     * named drops go), {@code ALL} in {@code drop} starts from none (then the adds come), else the
     * drops go and the adds come. Names normalised, in kernel order.
     */
    public static List<String> resolve(List<String> defaults, List<String> all, Collection<String> add,
            Collection<String> drop) {
        Set<String> set;
        if (add.contains(ALL)) {
            set = new LinkedHashSet<>(all);
            set.removeAll(drop);
        } else {
            set = drop.contains(ALL) ? new LinkedHashSet<>() : new LinkedHashSet<>(defaults);
            set.removeAll(drop);
            set.addAll(add);
        }
        List<String> out = new ArrayList<>();
        for (String c : KNOWN) {
            if (set.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }
}
