package io.jpod.config;

import com.electronwill.nightconfig.core.CommentedConfig;
import com.electronwill.nightconfig.core.Config;
import com.electronwill.nightconfig.core.io.ParsingException;
import com.electronwill.nightconfig.toml.TomlParser;
import io.jpod.error.ConfigException;
import java.io.IOException;
import java.io.LineNumberReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TOML file parsed with night-config, plus the line of every key. night-config reports neither
 * the line of a syntax error nor where a key stands, so this class tracks both itself: errors by
 * reading through a {@link LineNumberReader}, keys by a light scan of table headers and
 * {@code key =} lines.
 */
public final class TomlConfigFile {

    private static final Pattern TABLE_HEADER = Pattern.compile("^\\s*\\[\\s*([^\\[\\]]+?)\\s*]\\s*(#.*)?$");
    private static final Pattern KEY_LINE = Pattern.compile("^\\s*(\"[^\"]*\"|[A-Za-z0-9_.-]+)\\s*=");

    private final Path path;
    private final Config root;
    private final Map<String, Integer> lines;

    private TomlConfigFile(Path path, Config root, Map<String, Integer> lines) {
        this.path = path;
        this.root = root;
        this.lines = lines;
    }

    /** Reads and parses {@code path}; any I/O or syntax problem names the file (and line). */
    public static TomlConfigFile read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("error reading configuration file " + path + ": " + e.getMessage(), e);
        }
        return parse(path, text);
    }

    static TomlConfigFile parse(Path path, String text) {
        LineNumberReader reader = new LineNumberReader(new StringReader(text));
        CommentedConfig parsed;
        try {
            parsed = new TomlParser().parse(reader);
        } catch (ParsingException e) {
            // The parser has consumed the newline of the offending line, so the count equals its 1-based number.
            int line = duplicateLine(e.getMessage(), text);
            if (line == 0) {
                line = Math.max(1, Math.min(reader.getLineNumber(), countLines(text)));
            }
            throw new ConfigException("invalid TOML: " + e.getMessage(), path, line, null, e);
        }
        return new TomlConfigFile(path, parsed, scanLines(text));
    }

    private static final Pattern DUPLICATE_ENTRY = Pattern.compile("entry \"\\[(.+?)]\" defined twice");
    private static final Pattern DUPLICATE_TABLE = Pattern.compile("Table with path \\[(.+?)] has been declared twice");

    /** Duplicates are detected after the fact, so find the second definition ourselves. */
    static int duplicateLine(String message, String text) {
        if (message == null) {
            return 0;
        }
        Matcher entry = DUPLICATE_ENTRY.matcher(message);
        Matcher table = DUPLICATE_TABLE.matcher(message);
        Pattern line;
        if (entry.find()) {
            String key = entry.group(1);
            line = Pattern.compile("^\\s*\"?" + Pattern.quote(key.substring(key.lastIndexOf(", ") + 1).trim())
                    + "\"?\\s*=.*");
        } else if (table.find()) {
            line = Pattern.compile("^\\s*\\[\\s*" + Pattern.quote(table.group(1).replace(", ", ".")) + "\\s*].*");
        } else {
            return 0;
        }
        int n = 0;
        int seen = 0;
        for (String l : text.split("\n", -1)) {
            n++;
            if (line.matcher(l).matches() && ++seen == 2) {
                return n;
            }
        }
        return 0;
    }

    private static int countLines(String text) {
        return (int) text.lines().count();
    }

    private static Map<String, Integer> scanLines(String text) {
        Map<String, Integer> lines = new HashMap<>();
        String table = "";
        int n = 0;
        for (String line : text.split("\n", -1)) {
            n++;
            Matcher header = TABLE_HEADER.matcher(line);
            if (header.matches() && !line.trim().startsWith("[[")) {
                table = unquote(header.group(1));
                lines.putIfAbsent(table, n);
                continue;
            }
            Matcher key = KEY_LINE.matcher(line);
            if (key.find()) {
                String name = unquote(key.group(1));
                lines.putIfAbsent(table.isEmpty() ? name : table + "." + name, n);
            }
        }
        return lines;
    }

    private static String unquote(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    public Path path() {
        return path;
    }

    /** 1-based line where {@code dottedKey} is defined, or 0 when unknown. */
    public int lineOf(String dottedKey) {
        return lines.getOrDefault(dottedKey, 0);
    }

    /** Top-level keys in file order is not kept by night-config; callers sort when order matters. */
    public Map<String, Object> topLevel() {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Config.Entry e : root.entrySet()) {
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    /** A string value at a dotted path, type-checked. */
    public String getString(String dottedKey) {
        Object v = root.get(dottedKey);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw typeError(dottedKey, "a string", v);
        }
        return s;
    }

    /** A string array at a dotted path, type-checked. */
    public List<String> getStringList(String dottedKey) {
        Object v = root.get(dottedKey);
        if (v == null) {
            return null;
        }
        return asStringList(dottedKey, v);
    }

    /** An array of tables ({@code [[name]]}). */
    public List<Config> getTableArray(String dottedKey) {
        Object v = root.get(dottedKey);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list) || list.stream().anyMatch(o -> !(o instanceof Config))) {
            throw typeError(dottedKey, "an array of tables", v);
        }
        List<Config> out = new ArrayList<>();
        list.forEach(o -> out.add((Config) o));
        return out;
    }

    List<String> asStringList(String dottedKey, Object v) {
        if (!(v instanceof List<?> list)) {
            throw typeError(dottedKey, "an array of strings", v);
        }
        List<String> out = new ArrayList<>(list.size());
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw typeError(dottedKey, "an array of strings", v);
            }
            out.add(s);
        }
        return out;
    }

    /** A value of the wrong TOML type for its key. */
    public ConfigException typeError(String dottedKey, String expected, Object actual) {
        return new ConfigException(
                "must be " + expected + ", found " + describe(actual), path, lineOf(dottedKey), dottedKey, null);
    }

    /** An impossible value for its key. */
    public ConfigException valueError(String dottedKey, String problem) {
        return new ConfigException(problem, path, lineOf(dottedKey), dottedKey, null);
    }

    static String describe(Object v) {
        if (v instanceof String s) {
            return "string \"" + s + "\"";
        }
        if (v instanceof Boolean b) {
            return "boolean " + b;
        }
        if (v instanceof Number n) {
            return "number " + n;
        }
        if (v instanceof List<?> l) {
            return "array " + l;
        }
        if (v instanceof Config) {
            return "a table";
        }
        return String.valueOf(v);
    }
}
