package io.jpod.config;

import com.electronwill.nightconfig.core.Config;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.io.FileSystemResource;

/**
 * A libpod.conf decoded and checked: every known key type-checked and range-checked (errors name
 * file, line and key), unknown keys collected for one warning, and the values turned into Spring
 * properties ({@code libpod.*}) that carry their file and line as origin.
 */
public final class LibpodConfFile {

    private final TomlConfigFile toml;
    private final Map<ConfigKey, Object> values;
    private final Map<String, Integer> unknownKeys;

    private LibpodConfFile(TomlConfigFile toml, Map<ConfigKey, Object> values, Map<String, Integer> unknownKeys) {
        this.toml = toml;
        this.values = values;
        this.unknownKeys = unknownKeys;
    }

    public static LibpodConfFile read(Path path) {
        return decode(TomlConfigFile.read(path));
    }

    static LibpodConfFile decode(TomlConfigFile toml) {
        Map<ConfigKey, Object> values = new LinkedHashMap<>();
        Map<String, Integer> unknown = new TreeMap<>();
        for (Map.Entry<String, Object> e : toml.topLevel().entrySet()) {
            var key = ConfigKey.byToml(e.getKey());
            if (key.isEmpty()) {
                unknown.put(e.getKey(), toml.lineOf(e.getKey()));
                continue;
            }
            Object value = typed(toml, key.get(), e.getValue());
            ValueRules.check(key.get(), value).ifPresent(problem -> {
                throw toml.valueError(e.getKey(), problem);
            });
            values.put(key.get(), value);
        }
        return new LibpodConfFile(toml, values, unknown);
    }

    private static Object typed(TomlConfigFile toml, ConfigKey key, Object v) {
        String name = key.toml();
        return switch (key.kind()) {
            case STRING -> {
                if (!(v instanceof String)) {
                    throw toml.typeError(name, key.kind().description(), v);
                }
                yield v;
            }
            case BOOLEAN -> {
                if (!(v instanceof Boolean)) {
                    throw toml.typeError(name, key.kind().description(), v);
                }
                yield v;
            }
            case INTEGER -> {
                if (!(v instanceof Integer || v instanceof Long)) {
                    throw toml.typeError(name, key.kind().description(), v);
                }
                yield ((Number) v).longValue();
            }
            case STRING_LIST -> toml.asStringList(name, v);
            case TABLE_OF_LISTS -> {
                if (!(v instanceof Config table)) {
                    throw toml.typeError(name, key.kind().description(), v);
                }
                Map<String, List<String>> map = new TreeMap<>();
                for (Config.Entry entry : table.entrySet()) {
                    map.put(entry.getKey(), toml.asStringList(name + "." + entry.getKey(), entry.getValue()));
                }
                yield map;
            }
        };
    }

    public Path path() {
        return toml.path();
    }

    /** Decoded values of the known keys present in the file. */
    public Map<ConfigKey, Object> values() {
        return values;
    }

    /** Keys jpod does not know, with their lines (libpod ignored these silently; jpod warns once). */
    public Map<String, Integer> unknownKeys() {
        return unknownKeys;
    }

    /** Spring properties for the given keys, each carrying this file and its line as origin. */
    public Map<String, Object> toProperties(Collection<ConfigKey> keys) {
        Map<String, Object> props = new LinkedHashMap<>();
        for (ConfigKey key : keys) {
            if (!values.containsKey(key)) {
                continue;
            }
            Object v = values.get(key);
            Origin origin = origin(key.toml());
            switch (key.kind()) {
                case STRING_LIST -> putList(props, key.property(), asList(v), origin);
                case TABLE_OF_LISTS -> {
                    @SuppressWarnings("unchecked")
                    Map<String, List<String>> table = (Map<String, List<String>>) v;
                    table.forEach((name, list) -> putList(
                            props, key.property() + "[" + name + "]", list, origin(key.toml() + "." + name)));
                }
                default -> props.put(key.property(), OriginTrackedValue.of(v, origin));
            }
        }
        return props;
    }

    /** Spring properties for every known key in the file. */
    public Map<String, Object> toProperties() {
        return toProperties(values.keySet());
    }

    private static List<String> asList(Object v) {
        List<String> out = new ArrayList<>();
        ((List<?>) v).forEach(o -> out.add((String) o));
        return out;
    }

    // An empty array still has to replace a lower source's list, so it is written as an empty value.
    private static void putList(Map<String, Object> props, String name, List<String> list, Origin origin) {
        if (list.isEmpty()) {
            props.put(name, OriginTrackedValue.of("", origin));
            return;
        }
        for (int i = 0; i < list.size(); i++) {
            props.put(name + "[" + i + "]", OriginTrackedValue.of(list.get(i), origin));
        }
    }

    private Origin origin(String dottedKey) {
        int line = toml.lineOf(dottedKey);
        return new TextResourceOrigin(
                new FileSystemResource(toml.path()), new TextResourceOrigin.Location(Math.max(0, line - 1), 0));
    }
}
