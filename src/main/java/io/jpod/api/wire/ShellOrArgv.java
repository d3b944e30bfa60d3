package io.jpod.api.wire;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Docker's {@code Cmd} and {@code Entrypoint}: a string (shell form, run by {@code /bin/sh -c}) or an argv. */
public record ShellOrArgv(List<String> argv) {

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ShellOrArgv of(JsonNode node) {
        if (node.isString()) {
            return new ShellOrArgv(List.of("/bin/sh", "-c", node.asString()));
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("expected a string or a list of strings, got " + node);
        }
        List<String> out = new ArrayList<>();
        node.values().forEach(v -> out.add(v.asString()));
        return new ShellOrArgv(out);
    }

    /** The argv, null when the field was absent (the image's value then). */
    public static List<String> argv(ShellOrArgv v) {
        return v == null ? null : v.argv();
    }
}
