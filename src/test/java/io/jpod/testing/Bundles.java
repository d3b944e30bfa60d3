package io.jpod.testing;

import io.jpod.host.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** OCI bundles for tests: a busybox-static userland and the spec {@code runc spec} writes, adjusted. */
public final class Bundles {

    private Bundles() {}

    public static Path busybox(Path bundle, List<String> args) throws Exception {
        Path rootfs = bundle.resolve("rootfs");
        Path bin = Files.createDirectories(rootfs.resolve("bin"));
        for (String d : List.of("proc", "sys", "dev", "tmp", "etc")) {
            Files.createDirectories(rootfs.resolve(d));
        }
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isRegularFile(busybox)) {
            throw new AssertionError("busybox-static is not installed; run config/host-setup.sh");
        }
        Files.copy(busybox, bin.resolve("busybox"));
        for (String applet : List.of("sh", "sleep", "cat", "echo", "ls")) {
            Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
        }
        ProcessRunner.Result spec = ProcessRunner.run(List.of(runc(), "spec", "--bundle", bundle.toString()),
                Duration.ofSeconds(10));
        if (!spec.ok()) {
            throw new AssertionError("runc spec failed: " + spec.stderr());
        }
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode config = (ObjectNode) json.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        args.forEach(argv::add);
        json.writeValue(bundle.resolve("config.json").toFile(), config);
        return bundle;
    }

    public static String runc() {
        for (String p : List.of("/usr/bin/runc", "/usr/sbin/runc")) {
            if (Files.isRegularFile(Path.of(p))) {
                return p;
            }
        }
        throw new AssertionError("runc is not installed; run config/host-setup.sh");
    }
}
