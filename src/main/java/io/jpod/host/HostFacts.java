package io.jpod.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads what libpod's Info reports about the host from /proc and /etc. */
public final class HostFacts {

    private final Path procRoot;
    private final Path etcRoot;

    public HostFacts(Path procRoot, Path etcRoot) {
        this.procRoot = procRoot;
        this.etcRoot = etcRoot;
    }

    public static HostFacts system() {
        return new HostFacts(Path.of("/proc"), Path.of("/etc"));
    }

    /** Go's GOARCH names, which clients expect. */
    public static String arch() {
        String a = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        return switch (a) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            case "i386", "i686", "x86" -> "386";
            default -> a;
        };
    }

    public String kernel() {
        return read("sys/kernel/osrelease");
    }

    public String hostname() {
        return read("sys/kernel/hostname");
    }

    /** {@code /etc/os-release}'s ID and VERSION_ID, or {@code unknown}. */
    public Map<String, String> distribution() {
        Map<String, String> out = new HashMap<>(Map.of("distribution", "unknown", "version", "unknown"));
        try {
            for (String line : Files.readAllLines(etcRoot.resolve("os-release"))) {
                if (line.startsWith("ID=")) {
                    out.put("distribution", unquote(line.substring(3)));
                } else if (line.startsWith("VERSION_ID=")) {
                    out.put("version", unquote(line.substring(11)));
                } else if (line.startsWith("VERSION_CODENAME=")) {
                    out.put("codename", unquote(line.substring(17)));
                }
            }
        } catch (IOException e) {
            // keep "unknown", as libpod does
        }
        return out;
    }

    /** MemTotal, MemFree, SwapTotal, SwapFree from /proc/meminfo, in bytes. */
    public Map<String, Long> memory() {
        Map<String, Long> out = new HashMap<>();
        try {
            for (String line : Files.readAllLines(procRoot.resolve("meminfo"))) {
                String[] parts = line.split("[:\\s]+");
                if (parts.length >= 2 && List.of("MemTotal", "MemFree", "SwapTotal", "SwapFree").contains(parts[0])) {
                    out.put(parts[0], Long.parseLong(parts[1]) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // leave missing values out
        }
        return out;
    }

    /** Seconds since boot. */
    public double uptimeSeconds() {
        String s = read("uptime");
        return s.isEmpty() ? 0 : Double.parseDouble(s.split("\\s+")[0]);
    }

    /** libpod's uptime text: Go duration with spaces, plus the day count when hours are present. */
    public static String formatUptime(double seconds) {
        long total = (long) seconds;
        long h = total / 3600;
        long m = (total % 3600) / 60;
        double sec = seconds - h * 3600 - m * 60;
        String secText = String.format(Locale.ROOT, "%.2fs", sec);
        if (h > 0) {
            return String.format(Locale.ROOT, "%dh %dm %s (Approximately %.2f days)", h, m, secText, h / 24.0);
        }
        if (m > 0) {
            return m + "m " + secText;
        }
        return secText;
    }

    /** The boot id, which changes at every reboot. */
    public String bootId() {
        return read("sys/kernel/random/boot_id");
    }

    private String read(String rel) {
        try {
            return Files.readString(procRoot.resolve(rel)).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static String unquote(String s) {
        return s.replaceAll("^\"|\"$", "");
    }
}
