package io.jpod.registry;

import com.electronwill.nightconfig.core.Config;
import io.jpod.config.TomlConfigFile;
import io.jpod.error.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A host's {@code registries.conf} (containers-registries.conf(5)) with its {@code registries.conf.d}
 * drop-ins, merged: v2 ({@code unqualified-search-registries}, {@code short-name-mode},
 * {@code [[registry]]} with mirrors, {@code [aliases]}) and, for old files, v1's
 * {@code [registries.search|insecure|block]} tables, turned into v2 entries.
 */
public record RegistriesConf(List<String> search, ShortNameMode shortNameMode, List<Registry> registries,
        Map<String, String> aliases) {

    public static final RegistriesConf EMPTY = new RegistriesConf(List.of(), ShortNameMode.PERMISSIVE, List.of(),
            Map.of());

    /** What to do with a short name that several search registries could mean. */
    public enum ShortNameMode {
        /** Ambiguous short names are refused (there is no TTY to ask on). */
        ENFORCING,
        /** Every candidate is tried in order. */
        PERMISSIVE,
        /** As permissive: aliases apply, candidates are tried in order. */
        DISABLED
    }

    /** Which pulls a mirror serves. */
    public enum PullFrom {
        ALL, DIGEST_ONLY, TAG_ONLY
    }

    public record Mirror(String location, boolean insecure, PullFrom pullFrom) {}

    /**
     * One {@code [[registry]]} entry. {@code prefix} is what it matches (a name prefix, or
     * {@code *.domain} for any host under the domain); {@code location} is what a match is
     * rewritten to (empty for a wildcard prefix: the name's own host).
     */
    public record Registry(String prefix, String location, boolean insecure, boolean blocked,
            boolean mirrorByDigestOnly, List<Mirror> mirrors) {

        public Registry {
            mirrors = List.copyOf(mirrors);
        }

        public boolean wildcard() {
            return prefix.startsWith("*.");
        }

        /**
         * How many characters of {@code name} ({@code host/repo}, no tag) this entry matches, or
         * -1. A wildcard matches the name's whole host when the host is under its domain.
         */
        int matchLength(String name) {
            if (wildcard()) {
                int slash = name.indexOf('/');
                String host = slash < 0 ? name : name.substring(0, slash);
                return host.endsWith(prefix.substring(1)) ? host.length() : -1;
            }
            if (!name.startsWith(prefix)) {
                return -1;
            }
            if (name.length() == prefix.length() || "/:@".indexOf(name.charAt(prefix.length())) >= 0) {
                return prefix.length();
            }
            return -1;
        }
    }

    public RegistriesConf {
        search = List.copyOf(search);
        registries = List.copyOf(registries);
        aliases = Map.copyOf(aliases);
    }

    /** Registries marked insecure (entries and mirrors), for {@code info}. */
    public List<String> insecure() {
        List<String> out = new ArrayList<>();
        for (Registry r : registries) {
            if (r.insecure()) {
                add(out, r.location().isEmpty() ? r.prefix() : r.location());
            }
            r.mirrors().stream().filter(Mirror::insecure).forEach(m -> add(out, m.location()));
        }
        return out;
    }

    /**
     * The entry with the longest prefix matching {@code name} ({@code host/repo}), or null. On a tie
     * (a host matched by a wildcard and by name, or by two wildcards) the more specific entry wins.
     */
    public Registry find(String name) {
        Registry best = null;
        int bestLength = -1;
        for (Registry r : registries) {
            int n = r.matchLength(name);
            if (n < 0) {
                continue;
            }
            if (n > bestLength || (n == bestLength && moreSpecific(r, best))) {
                best = r;
                bestLength = n;
            }
        }
        return best;
    }

    private static boolean moreSpecific(Registry a, Registry b) {
        if (a.wildcard() != b.wildcard()) {
            return !a.wildcard();
        }
        return a.prefix().length() > b.prefix().length();
    }

    /**
     * Reads {@code main} and then {@code <dir of main>/registries.conf.d/*.conf} in lexical order,
     * later files overriding earlier ones. A missing main file counts as empty; a malformed file is a
     * {@link ConfigException} naming it (and the line, when known).
     */
    public static RegistriesConf read(Path main) {
        RegistriesConf merged = EMPTY;
        if (Files.isRegularFile(main)) {
            merged = merged.overriddenBy(readOne(main));
        }
        Path parent = main.toAbsolutePath().getParent();
        Path dropIns = parent == null ? null : parent.resolve("registries.conf.d");
        if (dropIns != null && Files.isDirectory(dropIns)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(dropIns)) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".conf")).filter(Files::isRegularFile)
                        .sorted().toList();
            } catch (IOException e) {
                throw new ConfigException("error reading directory " + dropIns + ": " + e.getMessage(), e);
            }
            for (Path f : files) {
                merged = merged.overriddenBy(readOne(f));
            }
        }
        return merged;
    }

    /** One file, as read: absent top-level keys are null so a merge can tell "unset" from "empty". */
    record Partial(List<String> search, ShortNameMode mode, List<Registry> registries, Map<String, String> aliases) {}

    /**
     * containers/image's drop-in rules: entries with an existing prefix replace it, others are
     * added; search registries and the mode replace when set; aliases override one by one.
     */
    RegistriesConf overriddenBy(Partial p) {
        Map<String, Registry> byPrefix = new LinkedHashMap<>();
        registries.forEach(r -> byPrefix.put(r.prefix(), r));
        p.registries().forEach(r -> byPrefix.put(r.prefix(), r));
        Map<String, String> mergedAliases = new LinkedHashMap<>(aliases);
        mergedAliases.putAll(p.aliases());
        return new RegistriesConf(p.search() != null ? p.search() : search,
                p.mode() != null ? p.mode() : shortNameMode, List.copyOf(byPrefix.values()), mergedAliases);
    }

    private static final Set<String> V2_KEYS = Set.of("unqualified-search-registries", "short-name-mode", "registry",
            "aliases");

    static Partial readOne(Path file) {
        TomlConfigFile toml = TomlConfigFile.read(file);
        Map<String, Object> top = toml.topLevel();
        boolean v1 = top.containsKey("registries");
        if (v1 && top.keySet().stream().anyMatch(V2_KEYS::contains)) {
            throw new ConfigException("mixes the v1 format ([registries.*] tables) with the v2 format "
                    + "(unqualified-search-registries, [[registry]], [aliases]); use one", file, 0, null, null);
        }
        return v1 ? readV1(toml) : readV2(toml);
    }

    private static Partial readV1(TomlConfigFile toml) {
        List<String> search = toml.getStringList("registries.search.registries");
        List<String> insecure = orEmpty(toml.getStringList("registries.insecure.registries"));
        List<String> blocked = orEmpty(toml.getStringList("registries.block.registries"));
        Map<String, Registry> entries = new LinkedHashMap<>();
        for (String host : insecure) {
            entries.put(host, new Registry(host, host, true, false, false, List.of()));
        }
        for (String host : blocked) {
            Registry r = entries.get(host);
            entries.put(host, new Registry(host, host, r != null && r.insecure(), true, false, List.of()));
        }
        return new Partial(search, null, List.copyOf(entries.values()), Map.of());
    }

    private static Partial readV2(TomlConfigFile toml) {
        Path file = toml.path();
        List<String> search = toml.getStringList("unqualified-search-registries");
        ShortNameMode mode = null;
        String modeText = toml.getString("short-name-mode");
        if (modeText != null) {
            mode = switch (modeText) {
                case "enforcing" -> ShortNameMode.ENFORCING;
                case "permissive" -> ShortNameMode.PERMISSIVE;
                case "disabled" -> ShortNameMode.DISABLED;
                default -> throw toml.valueError("short-name-mode",
                        "must be \"enforcing\", \"permissive\" or \"disabled\", found \"" + modeText + "\"");
            };
        }
        List<Registry> registries = new ArrayList<>();
        int index = 0;
        for (Config entry : toml.getTableArray("registry")) {
            index++;
            registries.add(registry(file, index, entry));
        }
        Map<String, String> aliases = new LinkedHashMap<>();
        Object table = toml.topLevel().get("aliases");
        if (table != null) {
            if (!(table instanceof Config c)) {
                throw toml.typeError("aliases", "a table", table);
            }
            for (Config.Entry e : c.entrySet()) {
                if (!(e.getValue() instanceof String target) || !qualified(target)) {
                    throw new ConfigException("alias \"" + e.getKey()
                            + "\" must name a fully qualified image (registry/repository)", file, 0, "aliases", null);
                }
                aliases.put(e.getKey(), target);
            }
        }
        return new Partial(search, mode, registries, aliases);
    }

    private static Registry registry(Path file, int index, Config entry) {
        String where = "[[registry]] entry " + index;
        String location = string(file, where, entry, "location");
        String prefix = string(file, where, entry, "prefix");
        if (prefix.isEmpty()) {
            prefix = location;
        }
        if (prefix.isEmpty()) {
            throw new ConfigException(where + " needs a location or a prefix", file, 0, null, null);
        }
        if (prefix.startsWith("*.")) {
            if (!location.isEmpty()) {
                throw new ConfigException(where + ": a wildcard prefix (" + prefix + ") takes no location", file, 0,
                        null, null);
            }
        } else if (prefix.contains("*")) {
            throw new ConfigException(where + ": a wildcard may only start a prefix, as in *.example.com", file, 0,
                    null, null);
        }
        List<Mirror> mirrors = new ArrayList<>();
        Object list = entry.get("mirror");
        if (list != null) {
            if (!(list instanceof List<?> items) || items.stream().anyMatch(o -> !(o instanceof Config))) {
                throw new ConfigException(where + ": mirror must be an array of tables ([[registry.mirror]])", file,
                        0, null, null);
            }
            for (Object o : items) {
                Config m = (Config) o;
                String mirrorWhere = where + " mirror " + (mirrors.size() + 1);
                String mirrorLocation = string(file, mirrorWhere, m, "location");
                if (mirrorLocation.isEmpty()) {
                    throw new ConfigException(mirrorWhere + " needs a location", file, 0, null, null);
                }
                mirrors.add(new Mirror(mirrorLocation, bool(file, mirrorWhere, m, "insecure"),
                        pullFrom(file, mirrorWhere, string(file, mirrorWhere, m, "pull-from-mirror"))));
            }
        }
        return new Registry(prefix, location, bool(file, where, entry, "insecure"), bool(file, where, entry,
                "blocked"), bool(file, where, entry, "mirror-by-digest-only"), mirrors);
    }

    private static PullFrom pullFrom(Path file, String where, String text) {
        return switch (text) {
            case "", "all" -> PullFrom.ALL;
            case "digest-only" -> PullFrom.DIGEST_ONLY;
            case "tag-only" -> PullFrom.TAG_ONLY;
            default -> throw new ConfigException(where + ": pull-from-mirror must be \"all\", \"digest-only\" or "
                    + "\"tag-only\", found \"" + text + "\"", file, 0, null, null);
        };
    }

    private static String string(Path file, String where, Config c, String key) {
        Object v = c.get(List.of(key));
        if (v == null) {
            return "";
        }
        if (!(v instanceof String s)) {
            throw new ConfigException(where + ": " + key + " must be a string", file, 0, null, null);
        }
        return s.trim();
    }

    private static boolean bool(Path file, String where, Config c, String key) {
        Object v = c.get(List.of(key));
        if (v == null) {
            return false;
        }
        if (!(v instanceof Boolean b)) {
            throw new ConfigException(where + ": " + key + " must be true or false", file, 0, null, null);
        }
        return b;
    }

    /** Whether {@code name}'s first component is a host: it has a dot or a port, or is {@code localhost}. */
    static boolean qualified(String name) {
        int slash = name.indexOf('/');
        if (slash <= 0) {
            return false;
        }
        String first = name.substring(0, slash);
        return first.contains(".") || first.contains(":") || first.equals("localhost");
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }

    private static void add(List<String> to, String s) {
        if (!to.contains(s)) {
            to.add(s);
        }
    }
}
