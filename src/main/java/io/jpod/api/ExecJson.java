package io.jpod.api;

import io.jpod.container.ExecService;
import io.jpod.error.EngineException;
import io.jpod.state.ExecSession;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Exec bodies, the same in Docker's and libpod's API. */
public final class ExecJson {

    private ExecJson() {}

    /** The create body: {@code Cmd}, {@code Env}, {@code User}, {@code WorkingDir}, {@code Tty}, {@code AttachStdin}. */
    public static ExecService.Request request(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw EngineException.invalidArgument("a JSON exec configuration is required");
        }
        return new ExecService.Request(strings(body.path("Cmd")), strings(body.path("Env")),
                body.path("User").asString(""), body.path("WorkingDir").asString(""), body.path("Tty").asBoolean(false),
                body.path("AttachStdin").asBoolean(false));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isString()) {
            out.add(node.asString());
        } else {
            node.forEach(v -> out.add(v.asString()));
        }
        return out;
    }

    public static Map<String, Object> inspect(ExecSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ID", s.id());
        m.put("ContainerID", s.containerId());
        m.put("Running", s.status().equals("running"));
        m.put("ExitCode", s.status().equals("exited") ? s.exitCode() : 0);
        m.put("Pid", s.pid());
        m.put("OpenStdin", s.stdin());
        m.put("OpenStdout", true);
        m.put("OpenStderr", true);
        m.put("CanRemove", false);
        m.put("DetachKeys", "");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("entrypoint", s.args().isEmpty() ? "" : s.args().get(0));
        p.put("arguments", s.args().size() > 1 ? s.args().subList(1, s.args().size()) : List.of());
        p.put("tty", s.tty());
        p.put("user", s.user());
        p.put("privileged", false);
        m.put("ProcessConfig", p);
        return m;
    }
}
