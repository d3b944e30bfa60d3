package io.jpod.image;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The OCI image config as stored ({@code config.json}): written for imported images, read back
 * into an {@link Image}. The bytes are the image's identity, so they are never rewritten.
 */
final class ConfigJson {

    private ConfigJson() {}

    static byte[] write(JsonMapper json, ImageConfig c, List<String> diffIds, Instant created,
            List<Image.HistoryEntry> history) {
        ObjectNode root = json.createObjectNode();
        root.put("architecture", io.jpod.host.HostFacts.arch());
        root.put("os", "linux");
        root.put("created", created.toString());
        ObjectNode cfg = root.putObject("config");
        putList(cfg, "Cmd", c.cmd());
        putList(cfg, "Entrypoint", c.entrypoint());
        putList(cfg, "Env", c.env());
        cfg.put("WorkingDir", c.workingDir());
        cfg.put("User", c.user());
        ObjectNode labels = cfg.putObject("Labels");
        c.labels().forEach(labels::put);
        ObjectNode ports = cfg.putObject("ExposedPorts");
        c.exposedPorts().forEach(p -> ports.putObject(p));
        ObjectNode volumes = cfg.putObject("Volumes");
        c.volumes().forEach(v -> volumes.putObject(v));
        if (!c.stopSignal().isEmpty()) {
            cfg.put("StopSignal", c.stopSignal());
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        ArrayNode hist = root.putArray("history");
        for (Image.HistoryEntry h : history) {
            ObjectNode e = hist.addObject();
            e.put("created", h.created().toString());
            e.put("created_by", h.createdBy());
            if (!h.comment().isEmpty()) {
                e.put("comment", h.comment());
            }
        }
        return json.writeValueAsBytes(root);
    }

    private static void putList(ObjectNode node, String field, List<String> values) {
        if (values.isEmpty()) {
            node.putNull(field);
        } else {
            ArrayNode a = node.putArray(field);
            values.forEach(a::add);
        }
    }

    /** The image a stored config describes; {@code created} when the config has no time of its own. */
    static Image read(String id, List<String> names, List<String> digests, Instant created, JsonNode cfg,
            ToLongFunction<String> layerSize) {
        JsonNode c = cfg.path("config");
        List<String> layers = strings(cfg.path("rootfs").path("diff_ids"));
        long size = layers.stream().mapToLong(layerSize).sum();
        Map<String, String> labels = new LinkedHashMap<>();
        c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asString()));
        ImageConfig config = new ImageConfig(strings(c.path("Cmd")), strings(c.path("Entrypoint")),
                strings(c.path("Env")), c.path("WorkingDir").asString(""), c.path("User").asString(""), labels,
                new ArrayList<>(c.path("ExposedPorts").propertyNames()), new ArrayList<>(c.path("Volumes").propertyNames()),
                c.path("StopSignal").asString(""), healthcheck(c.path("Healthcheck")), strings(c.path("Shell")),
                strings(c.path("OnBuild")));
        List<Image.HistoryEntry> history = new ArrayList<>();
        for (JsonNode h : cfg.path("history").values()) {
            history.add(new Image.HistoryEntry(parseInstant(h.path("created").asString("")),
                    h.path("created_by").asString(""), h.path("comment").asString(""),
                    h.path("empty_layer").asBoolean(false)));
        }
        Instant when = cfg.has("created") ? parseInstant(cfg.path("created").asString("")) : created;
        return new Image(id, names, when, size, layers, config, cfg.path("architecture").asString(""),
                cfg.path("os").asString(""), history, digests);
    }

    private static ImageConfig.Healthcheck healthcheck(JsonNode h) {
        if (!h.isObject()) {
            return null;
        }
        return new ImageConfig.Healthcheck(strings(h.path("Test")), h.path("Interval").asLong(0),
                h.path("Timeout").asLong(0), h.path("StartPeriod").asLong(0), h.path("StartInterval").asLong(0),
                h.path("Retries").asInt(0));
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.values().forEach(v -> out.add(v.asString()));
        return out;
    }

    static Instant parseInstant(String s) {
        try {
            return s.isEmpty() ? Instant.EPOCH : OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
