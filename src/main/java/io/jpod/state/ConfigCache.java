package io.jpod.state;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Container configs parsed once: a config is fixed at creation (only a rename or a lock renumber
 * rewrites it), yet every list read parsed the JSON of every row again, most of a list's time. An
 * entry is used only while the row's JSON is the very text it was parsed from, so a rewritten
 * config is parsed afresh; records are immutable, so sharing one is safe. Entries go with their
 * container; the bound only guards against growth through paths that remove rows without saying so.
 */
final class ConfigCache {

    static final int MAX_ENTRIES = 20_000;

    private record Parsed(String json, ContainerConfig config) {}

    private final Map<String, Parsed> byId = new ConcurrentHashMap<>();

    ContainerConfig get(String id, String json, Function<String, ContainerConfig> parse) {
        Parsed p = byId.get(id);
        if (p != null && p.json().equals(json)) {
            return p.config();
        }
        ContainerConfig config = parse.apply(json);
        if (byId.size() >= MAX_ENTRIES) {
            byId.clear();
        }
        byId.put(id, new Parsed(json, config));
        return config;
    }

    void forget(String id) {
        byId.remove(id);
    }

    int size() {
        return byId.size();
    }
}
