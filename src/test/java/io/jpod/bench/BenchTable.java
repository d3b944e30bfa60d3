package io.jpod.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The issue's table from a raw file: the median of each scenario per engine, and jpod's ratio against
 * the best of podman and Docker (below 1 is better for times and memory; for throughput, above 1).
 * The count, median and p90 of every scenario are appended to the raw file as {@code # summary} lines.
 */
final class BenchTable {

    private record Row(String label, String key, boolean higherIsBetter) {}

    private static final List<Row> ROWS = List.of(
            new Row("daemon ready after start (ms)", "ready", false),
            new Row("RSS idle (MB)", "rss_idle_mb", false),
            new Row("RSS with 500 containers created (MB)", "rss_500_mb", false),
            new Row("RSS per created container (kB)", "rss_per_container_kb", false),
            new Row("`/_ping`", "ping", false),
            new Row("create", "create", false),
            new Row("remove (exited)", "remove", false),
            new Row("start", "start", false),
            new Row("wait, after start of `true` (from the start's answer)", "wait", false),
            new Row("wait answered after the exit (inspect's FinishedAt)", "wait_after_exit", false),
            new Row("`run --rm` end to end (create+start+wait+remove)", "run_rm", false),
            new Row("stop of a SIGTERM-trapping process", "stop", false),
            new Row("remove -f of a running one", "rm_force", false),
            new Row("list `all=1` with 100 containers", "list_100", false),
            new Row("list `all=1` with 500 containers", "list_500", false),
            new Row("inspect with 500 containers", "inspect_500", false),
            new Row("8 clients x 8 `run --rm` (/s)", "conc_throughput", true),
            new Row("8 clients x 8 `run --rm`: errors", "conc_errors", false));

    private static final List<String> ENGINES = List.of("jpod", "podman", "docker");

    private BenchTable() {}

    static void print(Path raw) throws IOException {
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(raw)) {
            String[] f = line.split("\t");
            if (line.startsWith("#") || f.length != 3) {
                continue;
            }
            values.computeIfAbsent(f[0] + "\t" + f[1], k -> new ArrayList<>()).add(Double.parseDouble(f[2]));
        }
        StringBuilder summary = new StringBuilder();
        values.forEach((k, v) -> summary.append(String.format(Locale.ROOT, "# summary\t%s\tn=%d\tmedian=%.3f\tp90=%.3f%n",
                k, v.size(), quantile(v, 0.5), quantile(v, 0.9))));
        Files.writeString(raw, summary, StandardOpenOption.APPEND);

        StringBuilder out = new StringBuilder();
        out.append("| figure (median ms unless stated) | jpod | podman | docker | jpod / best peer |\n");
        out.append("|---|---|---|---|---|\n");
        for (Row row : ROWS) {
            Double[] m = new Double[ENGINES.size()];
            for (int e = 0; e < m.length; e++) {
                List<Double> v = values.get(ENGINES.get(e) + "\t" + row.key());
                m[e] = v == null ? null : quantile(v, 0.5);
            }
            Double best = m[1] == null ? m[2] : m[2] == null ? m[1]
                    : row.higherIsBetter() ? Math.max(m[1], m[2]) : Math.min(m[1], m[2]);
            String ratio = m[0] == null || best == null || best == 0 ? "-"
                    : String.format(Locale.ROOT, "%.2f", m[0] / best);
            out.append("| ").append(row.label());
            for (Double d : m) {
                out.append(" | ").append(format(d));
            }
            out.append(" | ").append(ratio).append(" |\n");
        }
        out.append(String.format(Locale.ROOT, "%nfloors: runc run of `true` %s ms, conmon + runc to the exit file %s ms%n",
                format(median(values.get("floor\tfloor_runc"))), format(median(values.get("floor\tfloor_conmon_runc")))));
        out.append("raw samples, with n/median/p90 per scenario: ").append(raw).append('\n');
        System.out.print(out);
    }

    private static Double median(List<Double> v) {
        return v == null ? null : quantile(v, 0.5);
    }

    /** Nearest-rank quantile. */
    static double quantile(List<Double> values, double q) {
        List<Double> s = new ArrayList<>(values);
        s.sort(null);
        int rank = (int) Math.ceil(q * s.size());
        return s.get(Math.max(0, Math.min(s.size() - 1, rank - 1)));
    }

    private static String format(Double d) {
        if (d == null) {
            return "-";
        }
        return d >= 100 ? String.format(Locale.ROOT, "%.0f", d) : d >= 10 ? String.format(Locale.ROOT, "%.1f", d)
                : String.format(Locale.ROOT, "%.2f", d);
    }
}
