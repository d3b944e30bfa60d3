package io.jpod.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.origin.Origin;
import org.springframework.boot.origin.OriginLookup;
import org.springframework.boot.origin.OriginTrackedValue;
import org.springframework.core.env.MapPropertySource;

/** The one libpod.conf that was chosen (or none), as a property source that remembers how it was chosen. */
public final class ConfigFileSource extends MapPropertySource implements OriginLookup<String> {

    /** How the file was found. */
    public enum Mode {
        /** {@code libpod.config-file}: used instead of the hierarchy. */
        CONFIG_FILE,
        /** {@code /etc/jpod/libpod.conf} or {@code /usr/share/jpod/libpod.conf} (configurable). */
        SYSTEM,
        /** Rootless: {@code ~/.config/jpod/libpod.conf}. */
        USER,
        /** Rootless with no user file: only the cherry-picked keys of the global file. */
        ROOTLESS_GLOBAL,
        /** No file: built-in defaults only. */
        NONE
    }

    private final Mode mode;
    private final LibpodConfFile file;
    private final boolean userFileMissing;

    ConfigFileSource(Mode mode, LibpodConfFile file, Map<String, Object> props) {
        super(LibpodConfigEnvironmentPostProcessor.FILE_SOURCE, props);
        this.mode = mode;
        this.file = file;
        this.userFileMissing = mode == Mode.ROOTLESS_GLOBAL;
    }

    private ConfigFileSource(boolean userFileMissing) {
        super(LibpodConfigEnvironmentPostProcessor.FILE_SOURCE, Map.of());
        this.mode = Mode.NONE;
        this.file = null;
        this.userFileMissing = userFileMissing;
    }

    @Override
    public Object getProperty(String name) {
        Object value = super.getProperty(name);
        return value instanceof OriginTrackedValue tracked ? tracked.getValue() : value;
    }

    @Override
    public Origin getOrigin(String name) {
        return super.getProperty(name) instanceof OriginTrackedValue tracked ? tracked.getOrigin() : null;
    }

    static ConfigFileSource none(boolean rootless) {
        return new ConfigFileSource(rootless);
    }

    public Mode mode() {
        return mode;
    }

    /** The file read, if any. */
    public Path path() {
        return file == null ? null : file.path();
    }

    /** Rootless and no per-user libpod.conf existed: the effective config is written back after start. */
    public boolean userFileMissing() {
        return userFileMissing;
    }

    Optional<String> unknownKeys() {
        return file == null || file.unknownKeys().isEmpty() ? Optional.empty() : Optional.of(
                file.unknownKeys().entrySet().stream()
                        .map(e -> e.getKey() + " (line " + e.getValue() + ")")
                        .reduce((a, b) -> a + ", " + b).orElse(""));
    }
}
