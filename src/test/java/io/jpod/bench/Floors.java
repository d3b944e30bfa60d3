package io.jpod.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.node.ObjectNode;

/**
 * What no engine can beat on this machine: {@code runc run} of {@code true} (create, start, wait,
 * delete), and conmon + runc as the engines use them (conmon spawned, it runs {@code runc create}, then
 * {@code runc start}) up to conmon's exit file. No network set-up: the spec's own empty network namespace.
 * The bundle is the busybox rootfs plus {@code runc spec}'s config.json, made by the script. conmon gets
 * jpod's arguments less the sync pipes (so {@code runc create} is seen by its pid file, polled).
 */
final class Floors {

    private static final String RUNC = "/usr/sbin/runc";
    private static final String CONMON = "/usr/bin/conmon";

    private Floors() {}

    static void run(Path bundle, Samples samples, int n) throws Exception {
        Path config = bundle.resolve("config.json");
        ObjectNode spec = (ObjectNode) Api.JSON.readTree(Files.readString(config));
        ObjectNode process = (ObjectNode) spec.get("process");
        process.put("terminal", false);
        process.putArray("args").add("true");
        Files.writeString(config, Api.JSON.writeValueAsString(spec));
        Path work = bundle.resolveSibling("floor-work");
        Path runcRoot = work.resolve("runc");
        Path exits = work.resolve("exits");
        Files.createDirectories(exits);
        String prefix = "jpod-floor-" + ProcessHandle.current().pid() + "-";
        for (int i = 0; i < 2 + n; i++) { // two warm-up rounds
            long t = System.nanoTime();
            exec(RUNC, "--root", runcRoot.toString(), "run", "-b", bundle.toString(), prefix + "r" + i);
            if (i >= 2) {
                samples.add("floor_runc", Samples.ms(t));
            }
        }
        for (int i = 0; i < 2 + n; i++) {
            String id = prefix + "c" + i;
            Path pidFile = work.resolve(id + ".pid");
            Path exitFile = exits.resolve(id);
            Files.createDirectories(work.resolve("persist-" + id));
            long t = System.nanoTime();
            Process conmon = new ProcessBuilder(CONMON, "--api-version", "1", "-c", id, "-u", id, "-r", RUNC,
                    "-b", bundle.toString(), "-p", pidFile.toString(), "-n", id, "--exit-dir", exits.toString(),
                    "--persist-dir", work.resolve("persist-" + id).toString(), "--full-attach",
                    "--runtime-arg", "--root",
                    "--runtime-arg", runcRoot.toString(), "-l", "k8s-file:" + work.resolve(id + ".log"),
                    "--log-level", "error", "--conmon-pidfile", work.resolve(id + ".conmon").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                awaitFile(pidFile, "runc create under conmon");
                exec(RUNC, "--root", runcRoot.toString(), "start", id);
                awaitFile(exitFile, "conmon's exit file");
                if (i >= 2) {
                    samples.add("floor_conmon_runc", Samples.ms(t));
                }
            } finally {
                exec(RUNC, "--root", runcRoot.toString(), "delete", "--force", id);
                conmon.waitFor(10, TimeUnit.SECONDS);
            }
        }
        System.out.println("floors: done");
    }

    /** Polls every 0.2 ms: the floor should not be the poll interval. */
    private static void awaitFile(Path file, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no " + what + " (" + file + ") after 20 s");
            }
            Thread.onSpinWait();
            Thread.sleep(0, 200_000);
        }
    }

    private static void exec(String... argv) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(argv));
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed");
        }
    }
}
