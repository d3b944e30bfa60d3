package io.jpod.oci;

import io.jpod.error.EngineException;
import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * runc or crun through their shared command line, for {@link ConmonOciRuntime}. jpod keeps its
 * runtime state under its own {@code --root} so it never sees or touches containers of another engine.
 */
final class RuntimeCli {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path binary;
    private final Path root;
    private final Map<String, String> env;

    RuntimeCli(Path binary, Path root, Map<String, String> env) {
        this.binary = binary;
        this.root = root;
        this.env = env;
    }

    String status(String id) {
        ProcessRunner.Result r = exec(List.of("state", id));
        if (!r.ok()) {
            return "";
        }
        JsonNode node = JSON.readTree(r.stdout());
        return node.path("status").asString("");
    }

    /** {@code list}: every container under the root with its status, in one call. */
    Map<String, String> list() {
        ProcessRunner.Result r = exec(List.of("list", "--format", "json"));
        check(r);
        Map<String, String> out = new java.util.HashMap<>();
        String body = r.stdout().strip();
        if (!body.isEmpty() && !body.equals("null")) {
            JSON.readTree(body).forEach(c -> out.put(c.path("id").asString(), c.path("status").asString("")));
        }
        return out;
    }

    void start(String id) {
        check(exec(List.of("start", id)));
    }

    void pause(String id) {
        check(exec(List.of("pause", id)));
    }

    void resume(String id) {
        check(exec(List.of("resume", id)));
    }

    List<Integer> processes(String id) {
        ProcessRunner.Result r = exec(List.of("ps", "--format", "json", id));
        check(r);
        List<Integer> pids = new ArrayList<>();
        JSON.readTree(r.stdout()).values().forEach(p -> pids.add(p.asInt()));
        return pids;
    }

    void kill(String id, String signal) {
        check(exec(List.of("kill", id, signal)));
    }

    void delete(String id) {
        ProcessRunner.Result r = exec(List.of("delete", "--force", id));
        if (!r.ok() && !r.stderr().contains("does not exist") && !r.stderr().contains("not found")) {
            throw new RuntimeFailureException(r.argv(), r.exitCode(), r.stderr());
        }
    }

    /** {@code update --resources -}: the OCI LinuxResources JSON on stdin. */
    void update(String id, byte[] resources) {
        check(exec(List.of("update", "--resources", "-", id), resources));
    }

    private ProcessRunner.Result exec(List<String> args) {
        return exec(args, null);
    }

    private ProcessRunner.Result exec(List<String> args, byte[] input) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--root", root.toString()));
        argv.addAll(args);
        try {
            return input == null ? ProcessRunner.run(argv, env, TIMEOUT) : ProcessRunner.run(argv, env, input, TIMEOUT);
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.RUNTIME_FAILURE,
                    "running " + String.join(" ", argv) + ": " + e.getMessage(), e);
        }
    }

    private static void check(ProcessRunner.Result r) {
        if (!r.ok()) {
            throw new RuntimeFailureException(r.argv(), r.exitCode(), r.stderr());
        }
    }
}
