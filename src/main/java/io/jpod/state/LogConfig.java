package io.jpod.state;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.jpod.error.EngineException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's log settings (Docker's {@code HostConfig.LogConfig}, libpod's {@code log_configuration}).
 * The log is conmon's k8s-file; {@code json-file}, Docker's default name, is kept as the client wrote it
 * (inspect shows it) and written the same way. conmon bounds the file with {@code --log-size-max} by
 * starting it over; with {@code max-file} above 1 the engine keeps the files it leaves behind
 * ({@code ctr.log.1} the newest, as Docker's json-file names them).
 *
 * @param type as asked: {@code k8s-file}, {@code json-file} or {@code none}
 * @param options the options as asked
 * @param maxSize bytes, 0 for no limit
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LogConfig(String type, Map<String, String> options, long maxSize) {

    /** The engine's default: a k8s-file without a limit. */
    public static final LogConfig DEFAULT = new LogConfig("k8s-file", Map.of(), 0);

    public LogConfig {
        type = type == null || type.isEmpty() ? "k8s-file" : type;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** How many files the log may span, the one being written included: {@code max-file}, 1 when not given. */
    public int maxFile() {
        String v = options.get("max-file");
        try {
            return v == null ? 1 : Math.max(1, Integer.parseInt(v.trim()));
        } catch (NumberFormatException e) {
            return 1; // checked at create
        }
    }

    /** No log is kept: the container's output only reaches attached clients. */
    public boolean none() {
        return "none".equals(type);
    }

    /**
     * Checks what a client asks for; an empty or null driver is the default. Refuses a driver or an
     * option this engine cannot honour, rather than dropping it.
     *
     * @param size libpod's {@code log_configuration.size}, bytes, null or ≤ 0 for none
     */
    public static LogConfig of(String driver, Map<String, String> opts, Long size) {
        String type = driver == null || driver.isBlank() ? "k8s-file" : driver.trim().toLowerCase(Locale.ROOT);
        if (!type.equals("k8s-file") && !type.equals("json-file") && !type.equals("none")) {
            throw EngineException.invalidArgument("logging driver \"" + driver
                    + "\" is not supported: use json-file (k8s-file) or none");
        }
        Map<String, String> options = opts == null ? Map.of() : new TreeMap<>(opts);
        if (type.equals("none") && !options.isEmpty()) {
            throw EngineException.invalidArgument("the none logging driver takes no options");
        }
        long maxSize = size == null || size < 0 ? 0 : size;
        int maxFile = 1;
        for (Map.Entry<String, String> o : options.entrySet()) {
            String v = o.getValue() == null ? "" : o.getValue().trim();
            switch (o.getKey()) {
                case "max-size" -> maxSize = v.equals("-1") ? 0 : bytes(v);
                case "max-file" -> maxFile = maxFile(v);
                case "path" -> throw EngineException.invalidArgument(
                        "log-opt path is not supported: the log is kept with the container");
                default -> throw EngineException.invalidArgument("log-opt " + o.getKey()
                        + " is not supported by the " + type + " logging driver (supported: max-size, max-file)");
            }
        }
        if (maxFile > 1 && maxSize == 0) {
            throw EngineException.invalidArgument("log-opt max-file=" + maxFile
                    + " needs max-size: files are only started over when one reaches max-size");
        }
        return new LogConfig(type, options, maxSize);
    }

    private static int maxFile(String v) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("log-opt max-file must be a number, not \"" + v + "\"");
        }
        if (n < 1) {
            throw EngineException.invalidArgument("log-opt max-file must be at least 1");
        }
        return n;
    }

    /** A size as Docker writes it: a number with an optional k, m or g (×1024), e.g. {@code 10m}. */
    static long bytes(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        long unit = 1;
        if (!s.isEmpty() && "kmg".indexOf(s.charAt(s.length() - 1)) >= 0) {
            unit = switch (s.charAt(s.length() - 1)) {
                case 'k' -> 1024L;
                case 'm' -> 1024L * 1024;
                default -> 1024L * 1024 * 1024;
            };
            s = s.substring(0, s.length() - 1);
        }
        try {
            double n = Double.parseDouble(s);
            if (n <= 0 || Double.isNaN(n) || Double.isInfinite(n)) {
                throw new NumberFormatException();
            }
            return (long) (n * unit);
        } catch (NumberFormatException e) {
            throw EngineException.invalidArgument("log-opt max-size must be a positive size such as 10m, not \""
                    + v + "\"");
        }
    }
}
