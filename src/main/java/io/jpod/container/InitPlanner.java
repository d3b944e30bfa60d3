package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.oci.SpecOptions;
import io.jpod.state.InitProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The init process of {@code --init}, as podman runs it: the host's catatonit (libpod.conf's
 * {@code init_path}, or the request's own path) bind-mounted read-only into the container and run as
 * PID 1 in front of the command, which becomes its child. The path is fixed at create and checked again
 * at each start, since the package may have gone meanwhile.
 */
final class InitPlanner {

    private final String configuredPath;

    /** @param configuredPath libpod.conf's {@code init_path}, empty for catatonit's usual place */
    InitPlanner(String configuredPath) {
        this.configuredPath = configuredPath == null || configuredPath.isEmpty() ? "/usr/libexec/podman/catatonit"
                : configuredPath;
    }

    /** The request's init with its host path resolved and checked; {@link InitProcess#NONE} when none. */
    InitProcess plan(InitProcess req) {
        if (req == null || !req.enabled()) {
            // podman's client sends its containers.conf init_path with every create: without init it means nothing
            return InitProcess.NONE;
        }
        String path = req.path().isEmpty() ? configuredPath : req.path();
        if (!path.startsWith("/")) {
            throw EngineException.invalidArgument("the init path must be absolute: " + path);
        }
        check(path);
        return new InitProcess(true, path);
    }

    /** A host binary that is not there is the host's problem, not the client's: "unavailable", naming it. */
    static void check(String path) {
        Path p = Path.of(path);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, "the container init binary " + path
                    + " (init_path) was not found or is not executable on the host: apt-get install catatonit, or "
                    + "set init_path in libpod.conf");
        }
    }

    /** The read-only bind mount of the binary, for the runtime spec. */
    static SpecOptions.Mount mount(InitProcess init) {
        return new SpecOptions.Mount(InitProcess.CONTAINER_PATH, "bind", init.path(),
                List.of("bind", "ro", "nosuid", "nodev"));
    }

    /** The process's argv: {@code /dev/init -- <args>} with an init, else {@code args}. */
    static List<String> args(InitProcess init, List<String> args) {
        if (!init.enabled()) {
            return args;
        }
        List<String> out = new ArrayList<>(List.of(InitProcess.CONTAINER_PATH, "--"));
        out.addAll(args);
        return out;
    }
}
