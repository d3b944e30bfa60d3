package io.jpod.image;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Docker's {@code --change} instructions for an import ({@code CMD}, {@code ENTRYPOINT},
 * {@code ENV}, {@code WORKDIR}, {@code USER}, {@code LABEL}, {@code EXPOSE}, {@code VOLUME},
 * {@code STOPSIGNAL}), applied to an image config. Commands take the JSON form or the shell form.
 */
public final class ImageChanges {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ImageChanges() {}

    public static ImageConfig apply(ImageConfig base, List<String> changes) {
        Draft draft = new Draft(base);
        for (String change : changes) {
            String line = change.strip();
            if (!line.isEmpty()) {
                draft.apply(line);
            }
        }
        return draft.build();
    }

    /** The config being changed, one instruction at a time. */
    private static final class Draft {
        private List<String> cmd;
        private List<String> entrypoint;
        private final List<String> env;
        private String workdir;
        private String user;
        private final Map<String, String> labels;
        private final List<String> ports;
        private final List<String> volumes;
        private String stopSignal;

        Draft(ImageConfig base) {
            cmd = base.cmd();
            entrypoint = base.entrypoint();
            env = new ArrayList<>(base.env());
            workdir = base.workingDir();
            user = base.user();
            labels = new LinkedHashMap<>(base.labels());
            ports = new ArrayList<>(base.exposedPorts());
            volumes = new ArrayList<>(base.volumes());
            stopSignal = base.stopSignal();
        }

        void apply(String line) {
            int space = line.indexOf(' ');
            String op = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
            String arg = space < 0 ? "" : line.substring(space + 1).strip();
            switch (op) {
                case "CMD" -> cmd = command(arg, true);
                case "ENTRYPOINT" -> entrypoint = command(arg, true);
                case "ENV" -> {
                    for (String kv : keyValues(arg)) {
                        String key = kv.substring(0, kv.indexOf('='));
                        env.removeIf(e -> e.startsWith(key + "="));
                        env.add(kv);
                    }
                }
                case "WORKDIR" -> workdir = arg;
                case "USER" -> user = arg;
                case "LABEL" -> keyValues(arg).forEach(kv -> labels.put(kv.substring(0, kv.indexOf('=')),
                        kv.substring(kv.indexOf('=') + 1)));
                case "EXPOSE" -> {
                    for (String p : arg.split("\\s+")) {
                        ports.add(p.contains("/") ? p : p + "/tcp");
                    }
                }
                case "VOLUME" -> volumes.addAll(arg.startsWith("[") ? command(arg, false) : List.of(arg.split("\\s+")));
                case "STOPSIGNAL" -> stopSignal = arg;
                default -> throw EngineException.invalidArgument("unsupported change \"" + line + "\": use CMD, "
                        + "ENTRYPOINT, ENV, WORKDIR, USER, LABEL, EXPOSE, VOLUME or STOPSIGNAL");
            }
        }

        ImageConfig build() {
            return new ImageConfig(cmd, entrypoint, env, workdir, user, labels, ports, volumes, stopSignal);
        }
    }

    private static List<String> command(String arg, boolean shellForm) {
        if (arg.startsWith("[")) {
            try {
                JsonNode node = JSON.readTree(arg);
                List<String> out = new ArrayList<>();
                node.values().forEach(v -> out.add(v.asString()));
                return out;
            } catch (RuntimeException e) {
                throw EngineException.invalidArgument("invalid JSON array in change: " + arg);
            }
        }
        return shellForm ? List.of("/bin/sh", "-c", arg) : List.of(arg);
    }

    private static List<String> keyValues(String arg) {
        List<String> out = new ArrayList<>();
        if (!arg.contains("=")) {
            String[] kv = arg.split("\\s+", 2);
            out.add(kv[0] + "=" + (kv.length > 1 ? kv[1] : ""));
            return out;
        }
        for (String token : arg.split("\\s+")) {
            if (!token.contains("=")) {
                throw EngineException.invalidArgument("invalid KEY=VALUE in change: " + arg);
            }
            String key = token.substring(0, token.indexOf('='));
            String value = token.substring(token.indexOf('=') + 1).replaceAll("^\"|\"$", "");
            out.add(key + "=" + value);
        }
        return out;
    }
}
