package io.jpod.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Resident memory of a daemon from {@code /proc/<pid>/status} VmRSS: the process itself plus its direct
 * children whose command is one of {@code helpers} (dockerd's own containerd). conmon and shim processes
 * per container are not counted for any engine.
 */
final class Rss {

    private Rss() {}

    /** The processes counted for {@code pid}: itself first, then the helpers. */
    static List<Long> counted(long pid, Set<String> helpers) throws IOException {
        List<Long> out = new ArrayList<>(List.of(pid));
        if (helpers.isEmpty()) {
            return out;
        }
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(rest[1]) == pid && helpers.contains(comm)) {
                        out.add(Long.parseLong(name));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            }
        }
        return out;
    }

    /** VmRSS in kB summed over {@link #counted}. */
    static long kb(long pid, Set<String> helpers) throws IOException {
        long sum = 0;
        for (long p : counted(pid, helpers)) {
            sum += field(Files.readAllLines(Path.of("/proc/" + p + "/status")), "VmRSS:");
        }
        return sum;
    }

    private static long field(List<String> status, String key) {
        for (String line : status) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }
}
