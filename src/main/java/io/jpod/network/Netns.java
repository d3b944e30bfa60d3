package io.jpod.network;

import io.jpod.error.EngineException;
import io.jpod.host.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Named network namespaces under {@code /run/netns}, made and removed with iproute2. */
final class Netns {

    static final Path DIR = Path.of("/run/netns");

    private Netns() {}

    static Path create(String name) {
        run(List.of("ip", "netns", "add", name), "creating network namespace " + name);
        return DIR.resolve(name);
    }

    /** Removes the namespace; one that is already gone (a reboot) is fine. */
    static void delete(Path path) {
        if (path == null || !Files.exists(path)) {
            return;
        }
        run(List.of("ip", "netns", "delete", path.getFileName().toString()), "removing network namespace " + path);
    }

    private static void run(List<String> argv, String what) {
        try {
            ProcessRunner.Result r = ProcessRunner.run(argv, Duration.ofSeconds(30));
            if (!r.ok()) {
                throw EngineException.internal(what + ": " + r.stderr().strip(), null);
            }
        } catch (IOException e) {
            throw new EngineException(EngineException.Category.UNAVAILABLE, what + ": " + e.getMessage()
                    + " (iproute2's ip command is needed)");
        }
    }
}
