package io.jpod.config;

import com.electronwill.nightconfig.core.Config;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The search and insecure registries of a {@code registries.conf}, in either format: v1
 * ({@code [registries.search]}/{@code [registries.insecure]} tables) or v2
 * ({@code unqualified-search-registries} and {@code [[registry]]} entries with {@code insecure = true}).
 */
public record RegistriesConf(List<String> search, List<String> insecure) {

    public RegistriesConf {
        search = List.copyOf(search);
        insecure = List.copyOf(insecure);
    }

    /** An absent file means no registries; a malformed one is an error naming file and line. */
    public static RegistriesConf read(Path path) {
        if (!Files.isRegularFile(path)) {
            return new RegistriesConf(List.of(), List.of());
        }
        TomlConfigFile toml = TomlConfigFile.read(path);
        List<String> search = new ArrayList<>();
        List<String> insecure = new ArrayList<>();
        addAll(search, toml.getStringList("registries.search.registries"));
        addAll(insecure, toml.getStringList("registries.insecure.registries"));
        addAll(search, toml.getStringList("unqualified-search-registries"));
        for (Config registry : toml.getTableArray("registry")) {
            Object flag = registry.get("insecure");
            if (Boolean.TRUE.equals(flag)) {
                Object location = registry.get("location");
                Object prefix = registry.get("prefix");
                Object name = location != null ? location : prefix;
                if (name instanceof String s && !insecure.contains(s)) {
                    insecure.add(s);
                }
            }
        }
        return new RegistriesConf(search, insecure);
    }

    private static void addAll(List<String> to, List<String> from) {
        if (from != null) {
            from.stream().filter(s -> !to.contains(s)).forEach(to::add);
        }
    }
}
