package io.jpod.runtime;

import com.electronwill.nightconfig.core.Config;
import com.electronwill.nightconfig.toml.TomlWriter;
import io.jpod.config.RuntimeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Writes a rootless user's libpod.conf with the effective settings after the first start, as libpod does; never over a user's own file. */
final class UserConfigWriter {

    private static final Log LOG = LogFactory.getLog(UserConfigWriter.class);

    private UserConfigWriter() {}

    static void write(Path file, RuntimeConfig config) {
        try {
            Files.createDirectories(file.getParent());
            Config toml = Config.inMemory();
            Map<String, Object> values = config.tomlValues();
            values.forEach((k, v) -> {
                if (!"runtimes".equals(k)) {
                    toml.set(List.of(k), v);
                }
            });
            Config runtimes = toml.createSubConfig();
            config.runtimes().forEach((name, paths) -> runtimes.set(List.of(name), paths));
            toml.set(List.of("runtimes"), runtimes);
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                new TomlWriter().write(toml, out);
            } catch (FileAlreadyExistsException exists) {
                return; // never overwrite a user's file
            }
            LOG.info("Wrote the effective configuration to " + file);
        } catch (IOException | RuntimeException e) {
            LOG.warn("Could not write " + file + ": " + e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // best effort, as libpod
            }
        }
    }
}
