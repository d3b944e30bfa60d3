package io.jpod.image;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A new image config made from an existing one (a commit, a build step): the base's JSON is kept
 * whole, so fields jpod does not model (Healthcheck, Shell, OnBuild, whatever a pull brought) carry
 * over, and each change is made on it. Not thread-safe; one draft per image being made.
 */
public final class ConfigDraft {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final ObjectNode root;

    private ConfigDraft(ObjectNode root) {
        this.root = root;
        // what described the base's own making does not describe the new image
        root.remove(List.of("container", "container_config", "docker_version", "parent", "id"));
        if (!root.path("config").isObject()) {
            root.putObject("config");
        }
        if (!root.path("rootfs").isObject()) {
            root.putObject("rootfs").put("type", "layers");
        }
        if (!root.path("rootfs").path("diff_ids").isArray()) {
            ((ObjectNode) root.get("rootfs")).putArray("diff_ids");
        }
        if (!root.path("history").isArray()) {
            root.putArray("history");
        }
        root.put("architecture", root.path("architecture").asString(io.jpod.host.HostFacts.arch()));
        root.put("os", root.path("os").asString("linux"));
    }

    /** A draft on top of a stored config. */
    public static ConfigDraft from(byte[] config) {
        JsonNode n = JSON.readTree(config);
        if (!n.isObject()) {
            throw new IllegalArgumentException("an image config is a JSON object");
        }
        return new ConfigDraft((ObjectNode) n);
    }

    /** A draft with nothing in it ({@code FROM scratch}). */
    public static ConfigDraft empty() {
        return new ConfigDraft(JSON.createObjectNode());
    }

    public ConfigDraft copy() {
        return new ConfigDraft(root.deepCopy());
    }

    private ObjectNode config() {
        return (ObjectNode) root.get("config");
    }

    // ---- reading ---------------------------------------------------------------------------

    public List<String> cmd() {
        return ConfigJson.strings(config().path("Cmd"));
    }

    public List<String> entrypoint() {
        return ConfigJson.strings(config().path("Entrypoint"));
    }

    /** {@code KEY=VALUE} entries, in order. */
    public List<String> env() {
        return ConfigJson.strings(config().path("Env"));
    }

    /** The environment as a map: later entries of the same name win. */
    public Map<String, String> envMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String kv : env()) {
            int eq = kv.indexOf('=');
            m.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
        }
        return m;
    }

    public String workingDir() {
        return config().path("WorkingDir").asString("");
    }

    public String user() {
        return config().path("User").asString("");
    }

    /** The shell of shell-form commands; Docker's default when the image names none. */
    public List<String> shell() {
        List<String> s = ConfigJson.strings(config().path("Shell"));
        return s.isEmpty() ? List.of("/bin/sh", "-c") : s;
    }

    /** The ONBUILD triggers, as written. */
    public List<String> onBuild() {
        return ConfigJson.strings(config().path("OnBuild"));
    }

    public List<String> diffIds() {
        return ConfigJson.strings(root.path("rootfs").path("diff_ids"));
    }

    // ---- changing --------------------------------------------------------------------------

    public ConfigDraft cmd(List<String> cmd) {
        return putList("Cmd", cmd);
    }

    public ConfigDraft entrypoint(List<String> entrypoint) {
        return putList("Entrypoint", entrypoint);
    }

    /** Sets one variable, keeping its place when it was there. */
    public ConfigDraft env(String name, String value) {
        Map<String, String> m = envMap();
        m.put(name, value);
        List<String> out = new ArrayList<>();
        m.forEach((k, v) -> out.add(k + "=" + v));
        return putList("Env", out);
    }

    public ConfigDraft workingDir(String dir) {
        config().put("WorkingDir", dir);
        return this;
    }

    public ConfigDraft user(String user) {
        config().put("User", user);
        return this;
    }

    public ConfigDraft label(String key, String value) {
        object("Labels").put(key, value);
        return this;
    }

    /** A port as {@code 80/tcp}; a bare number means TCP. */
    public ConfigDraft expose(String port) {
        object("ExposedPorts").putObject(port.contains("/") ? port : port + "/tcp");
        return this;
    }

    public ConfigDraft volume(String path) {
        object("Volumes").putObject(path);
        return this;
    }

    public ConfigDraft stopSignal(String signal) {
        config().put("StopSignal", signal);
        return this;
    }

    public ConfigDraft shell(List<String> shell) {
        return putList("Shell", shell);
    }

    public ConfigDraft addOnBuild(String trigger) {
        array("OnBuild").add(trigger);
        return this;
    }

    public ConfigDraft clearOnBuild() {
        config().remove("OnBuild");
        return this;
    }

    /** Docker's {@code Healthcheck} object; durations in nanoseconds, zero meaning "the default". */
    public ConfigDraft healthcheck(List<String> test, long intervalNs, long timeoutNs, long startPeriodNs,
            long startIntervalNs, int retries) {
        ObjectNode h = config().putObject("Healthcheck");
        ArrayNode t = h.putArray("Test");
        test.forEach(t::add);
        putIfPositive(h, "Interval", intervalNs);
        putIfPositive(h, "Timeout", timeoutNs);
        putIfPositive(h, "StartPeriod", startPeriodNs);
        putIfPositive(h, "StartInterval", startIntervalNs);
        if (retries > 0) {
            h.put("Retries", retries);
        }
        return this;
    }

    public ConfigDraft author(String author) {
        if (author != null && !author.isEmpty()) {
            root.put("author", author);
        }
        return this;
    }

    /** Applies Docker's {@code --change} instructions (CMD, ENV, EXPOSE, ...), as commit and import take them. */
    public ConfigDraft apply(List<String> changes) {
        if (changes == null || changes.isEmpty()) {
            return this;
        }
        ImageConfig base = view();
        ImageConfig changed = ImageChanges.apply(base, changes);
        putList("Cmd", changed.cmd());
        putList("Entrypoint", changed.entrypoint());
        putList("Env", changed.env());
        workingDir(changed.workingDir());
        user(changed.user());
        ObjectNode labels = config().putObject("Labels");
        changed.labels().forEach(labels::put);
        ObjectNode ports = config().putObject("ExposedPorts");
        changed.exposedPorts().forEach(ports::putObject);
        ObjectNode volumes = config().putObject("Volumes");
        changed.volumes().forEach(volumes::putObject);
        if (!changed.stopSignal().isEmpty()) {
            stopSignal(changed.stopSignal());
        }
        return this;
    }

    /** A step that added a layer; {@code createdBy} is what history shows. */
    public ConfigDraft addLayer(String diffId, Instant when, String createdBy, String comment) {
        ((ArrayNode) root.get("rootfs").get("diff_ids")).add(diffId);
        history(when, createdBy, comment, false);
        return this;
    }

    /** A step that only changed the config. */
    public ConfigDraft addEmptyLayer(Instant when, String createdBy) {
        return history(when, createdBy, "", true);
    }

    private ConfigDraft history(Instant when, String createdBy, String comment, boolean empty) {
        ObjectNode h = ((ArrayNode) root.get("history")).addObject();
        h.put("created", when.toString());
        h.put("created_by", createdBy);
        if (comment != null && !comment.isEmpty()) {
            h.put("comment", comment);
        }
        if (empty) {
            h.put("empty_layer", true);
        }
        root.put("created", when.toString());
        return this;
    }

    /** The config as {@link ImageConfig} sees it. */
    public ImageConfig view() {
        return ConfigJson.read("", List.of(), List.of(), Instant.EPOCH, root, d -> 0).config();
    }

    /** The config's bytes: what the image's ID is the digest of. */
    public byte[] bytes() {
        return JSON.writeValueAsBytes(root);
    }

    private ConfigDraft putList(String field, List<String> values) {
        if (values == null || values.isEmpty()) {
            config().putNull(field);
        } else {
            ArrayNode a = config().putArray(field);
            values.forEach(a::add);
        }
        return this;
    }

    private ObjectNode object(String field) {
        if (!config().path(field).isObject()) {
            config().putObject(field);
        }
        return (ObjectNode) config().get(field);
    }

    private ArrayNode array(String field) {
        if (!config().path(field).isArray()) {
            config().putArray(field);
        }
        return (ArrayNode) config().get(field);
    }

    private static void putIfPositive(ObjectNode n, String field, long value) {
        if (value > 0) {
            n.put(field, value);
        }
    }
}
