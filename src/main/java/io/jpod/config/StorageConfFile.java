package io.jpod.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.boot.origin.TextResourceOrigin;
import org.springframework.core.io.FileSystemResource;

/**
 * containers/storage's {@code storage.conf}: the {@code [storage]} table's {@code driver},
 * {@code graphroot} and {@code runroot}, as {@code libpod.storage.*} properties with their origin.
 */
final class StorageConfFile {

    private StorageConfFile() {}

    static Map<String, Object> properties(Path path) {
        TomlConfigFile toml = TomlConfigFile.read(path);
        Map<String, Object> props = new LinkedHashMap<>();
        put(props, toml, "storage.driver", "libpod.storage.driver");
        put(props, toml, "storage.graphroot", "libpod.storage.graph-root");
        put(props, toml, "storage.runroot", "libpod.storage.run-root");
        return props;
    }

    private static void put(Map<String, Object> props, TomlConfigFile toml, String key, String property) {
        String value = toml.getString(key);
        if (value == null || value.isEmpty()) {
            return;
        }
        var origin = new TextResourceOrigin(new FileSystemResource(toml.path()),
                new TextResourceOrigin.Location(Math.max(0, toml.lineOf(key) - 1), 0));
        props.put(property, OriginTrackedValue.of(value, origin));
    }
}
