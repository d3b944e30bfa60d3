package io.jpod.error;

import java.nio.file.Path;

/**
 * A configuration problem that stops start-up. When it comes from a file it names the file, the
 * line (1-based, 0 when unknown) and the key, so the admin can go straight to it.
 */
public class ConfigException extends EngineException {

    private final Path file;
    private final int line;
    private final String key;

    public ConfigException(String message) {
        this(message, null, 0, null, null);
    }

    public ConfigException(String message, Throwable cause) {
        this(message, null, 0, null, cause);
    }

    public ConfigException(String problem, Path file, int line, String key, Throwable cause) {
        super(Category.INVALID_ARGUMENT, describe(problem, file, line, key), cause);
        this.file = file;
        this.line = line;
        this.key = key;
    }

    private static String describe(String problem, Path file, int line, String key) {
        if (file == null) {
            return problem;
        }
        StringBuilder where = new StringBuilder("configuration file ").append(file);
        if (line > 0) {
            where.append(", line ").append(line);
        }
        if (key != null) {
            where.append(", key \"").append(key).append('"');
        }
        return where.append(": ").append(problem).toString();
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String key() {
        return key;
    }
}
