package io.jpod.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.logging.impl.NoOpLog;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Runs jpod's configuration pipeline (environment post-processor, binding, factory) exactly as the
 * daemon does, against files under a temporary root instead of the host's /etc.
 */
final class ConfigHarness {

    final Path root;
    final Map<String, Object> options = new LinkedHashMap<>();
    final List<String> warnings = new ArrayList<>();
    StandardEnvironment env;

    ConfigHarness(Path root) {
        this.root = root;
        options.put("libpod.system-config-file", etcConf().toString());
        options.put("libpod.vendor-config-file", vendorConf().toString());
        options.put("libpod.storage.config-file", root.resolve("etc/jpod/storage.conf").toString());
        options.put("jpod.host.home", root.resolve("home").toString());
        options.put("jpod.host.euid", "0");
    }

    Path etcConf() {
        return root.resolve("etc/containers/libpod.conf");
    }

    Path vendorConf() {
        return root.resolve("usr/share/containers/libpod.conf");
    }

    Path userConf() {
        return root.resolve("home/.config/jpod/libpod.conf");
    }

    ConfigHarness option(String key, Object value) {
        options.put(key, value);
        return this;
    }

    ConfigHarness rootless(int uid) {
        options.put("jpod.host.euid", Integer.toString(uid));
        options.put("jpod.host.env[XDG_RUNTIME_DIR]", root.resolve("run/user/" + uid).toString());
        return this;
    }

    Path write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    final Map<String, Object> environment = new LinkedHashMap<>();

    ConfigHarness environment(String name, String value) {
        environment.put(name, value);
        return this;
    }

    RuntimeConfig load() {
        env = new StandardEnvironment();
        env.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        environment));
        env.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", options));
        NoOpLog log = new NoOpLog() {
            @Override
            public void warn(Object message) {
                warnings.add(String.valueOf(message));
            }
        };
        new LibpodConfigEnvironmentPostProcessor(supplier -> log).postProcessEnvironment(env, new SpringApplication());
        LibpodProperties props = Binder.get(env).bind("libpod", LibpodProperties.class).get();
        return new RuntimeConfigFactory(env).create(props, true);
    }

    ConfigFileSource fileSource() {
        return (ConfigFileSource) env.getPropertySources().get(LibpodConfigEnvironmentPostProcessor.FILE_SOURCE);
    }
}
