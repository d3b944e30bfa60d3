package io.jpod.container;

import io.jpod.error.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Resolves a container's {@code user[:group]} against the passwd and group files of its own rootfs. */
public final class Users {

    private Users() {}

    public record Resolved(int uid, int gid, List<Integer> additionalGids, String home) {}

    public static Resolved resolve(Path rootfs, String spec) {
        String user = spec == null || spec.isEmpty() ? "0" : spec;
        String group = null;
        int colon = user.indexOf(':');
        if (colon >= 0) {
            group = user.substring(colon + 1);
            user = user.substring(0, colon);
        }
        List<String[]> passwd = read(rootfs, "etc/passwd");
        Integer uid = null;
        Integer gid = null;
        String home = "/";
        for (String[] e : passwd) {
            if (e.length >= 6 && (e[0].equals(user) || e[2].equals(user))) {
                uid = Integer.parseInt(e[2]);
                gid = Integer.parseInt(e[3]);
                home = e[5];
                break;
            }
        }
        if (uid == null) {
            if (!user.matches("\\d+")) {
                throw EngineException.invalidArgument("unable to find user " + user
                        + ": no matching entries in passwd file");
            }
            uid = Integer.parseInt(user);
            gid = uid == 0 ? 0 : uid;
        }
        if (group != null && !group.isEmpty()) {
            gid = null;
            for (String[] e : read(rootfs, "etc/group")) {
                if (e.length >= 3 && (e[0].equals(group) || e[2].equals(group))) {
                    gid = Integer.parseInt(e[2]);
                    break;
                }
            }
            if (gid == null) {
                if (!group.matches("\\d+")) {
                    throw EngineException.invalidArgument("unable to find group " + group
                            + ": no matching entries in group file");
                }
                gid = Integer.parseInt(group);
            }
        }
        return new Resolved(uid, gid, List.of(), home);
    }

    /** Reads a colon-separated file of the rootfs; a symlink there is ignored (it could point at the host's file). */
    private static List<String[]> read(Path rootfs, String rel) {
        Path f = rootfs.resolve(rel);
        List<String[]> out = new ArrayList<>();
        if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(f.getParent())) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(f)) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    out.add(line.split(":", -1));
                }
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }
}
