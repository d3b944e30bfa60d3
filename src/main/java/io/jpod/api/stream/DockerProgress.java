package io.jpod.api.stream;

import io.jpod.registry.ProgressListener;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pull's or push's progress as the Docker API's JSON message stream: {@code status}, {@code id},
 * {@code progressDetail} and a {@code progress} bar, which the docker CLI draws per layer.
 */
public final class DockerProgress implements ProgressListener {

    private final JsonLines lines;

    public DockerProgress(JsonLines lines) {
        this.lines = lines;
    }

    @Override
    public void message(String text) {
        lines.write(Map.of("status", text));
    }

    @Override
    public void layer(String id, String status, long current, long total) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", status);
        Map<String, Object> detail = new LinkedHashMap<>();
        if (total > 0 && (status.equals("Downloading") || status.equals("Extracting") || status.equals("Pushing"))) {
            detail.put("current", current);
            detail.put("total", total);
            m.put("progressDetail", detail);
            m.put("progress", bar(current, total));
        } else {
            m.put("progressDetail", detail);
        }
        m.put("id", id);
        lines.write(m);
    }

    /** The aux message the CLI reads after a push ({@code Tag}, {@code Digest}, {@code Size}). */
    public void aux(Map<String, Object> aux) {
        lines.write(Map.of("progressDetail", Map.of(), "aux", aux));
    }

    /** An error after the stream has started: the CLI prints it and exits non-zero. */
    public void error(String message) {
        lines.write(Map.of("errorDetail", Map.of("message", message), "error", message));
    }

    static String bar(long current, long total) {
        int width = 50;
        int done = (int) Math.min(width, width * current / Math.max(1, total));
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < width; i++) {
            b.append(i < done - 1 ? '=' : i == done - 1 ? '>' : ' ');
        }
        return b.append("] ").append(size(current)).append('/').append(size(total)).toString();
    }

    private static String size(long bytes) {
        if (bytes < 1000) {
            return bytes + "B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.3g%s", v, units[u]);
    }
}
