package io.jpod.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The API benchmark's client: the same Docker-API scenarios against whichever engine listens on
 * {@code --url}. Not a test: {@code src/test/bench/api-bench.sh} starts jpod, podman's service and dockerd
 * one after the other and runs the modes of this class against each, then {@code table}.
 * <pre>
 *   run     --engine NAME --url http://127.0.0.1:PORT --pid PID [--helpers containerd] --raw FILE [--image busybox]
 *   floors  --bundle DIR --raw FILE            (runc run of true; conmon + runc to the exit file)
 *   table   --raw FILE                         (medians and ratios; appends p90s to the raw file)
 *   startup / soak                             (see {@link StartupBench})
 * </pre>
 * Iterations: {@code BENCH_N} (default 15) per timed scenario, {@code BENCH_PING_N} (200) pings.
 */
public final class ApiBench {

    static final List<String> TRUE = List.of("true");
    /** PID 1 that exits at once on SIGTERM: {@code wait} is interrupted by the trapped signal. */
    static final List<String> TRAPPER = List.of("sh", "-c", "trap 'exit 0' TERM; sleep 1000 & wait");
    static final List<String> SLEEPER = List.of("sleep", "1000");

    private final Api api;
    private final Samples samples;
    private final String image;
    private final long pid;
    private final Set<String> helpers;
    private final int n = intEnv("BENCH_N", 15);

    private ApiBench(Api api, Samples samples, String image, long pid, Set<String> helpers) {
        this.api = api;
        this.samples = samples;
        this.image = image;
        this.pid = pid;
        this.helpers = helpers;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        switch (args.length == 0 ? "" : args[0]) {
            case "run" -> new ApiBench(new Api(o.get("url")), new Samples(Path.of(o.get("raw")), o.get("engine")),
                    o.getOrDefault("image", "busybox"), Long.parseLong(o.get("pid")),
                    o.containsKey("helpers") ? Set.of(o.get("helpers").split(",")) : Set.of()).run();
            case "floors" -> Floors.run(Path.of(o.get("bundle")), new Samples(Path.of(o.get("raw")), "floor"),
                    intEnv("BENCH_N", 15));
            case "table" -> BenchTable.print(Path.of(o.get("raw")));
            case "startup" -> StartupBench.startup(o, args);
            case "soak" -> StartupBench.soak(o);
            default -> {
                System.err.println("usage: ApiBench run|floors|table|startup|soak --option value ... (see its javadoc)");
                System.exit(2);
            }
        }
    }

    /** {@code --key value} pairs after the mode; everything after {@code --} is left to the mode. */
    static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i + 1 < args.length && !args[i].equals("--"); i += 2) {
            o.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        return o;
    }

    static int intEnv(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }

    private void run() throws Exception {
        for (int i = 0; i < 3; i++) { // warm-up: first-use costs (image config, network set-up, JIT) stay out
            api.runRm(image, TRUE);
        }
        samples.note("RSS counts pids " + Rss.counted(pid, helpers));
        Thread.sleep(2000);
        double idleKb = Rss.kb(pid, helpers);
        samples.add("rss_idle_mb", idleKb / 1024);
        ping();
        lifecycle();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            api.runRm(image, TRUE);
            samples.add("run_rm", Samples.ms(t));
        }
        stopAndKill();
        concurrent(8, 8);
        crowd(idleKb);
        System.out.println(samples.engineName() + ": done");
    }

    private void ping() throws Exception {
        for (int i = 0; i < intEnv("BENCH_PING_N", 200); i++) {
            long t = System.nanoTime();
            api.ping();
            samples.add("ping", Samples.ms(t));
        }
    }

    /** create, start, wait (from the start's answer, and from the exit time inspect reports), remove. */
    private void lifecycle() throws Exception {
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            String id = api.create(image, TRUE);
            samples.add("create", Samples.ms(t));
            t = System.nanoTime();
            api.start(id);
            samples.add("start", Samples.ms(t));
            t = System.nanoTime();
            api.await(id);
            Instant answered = Instant.now();
            samples.add("wait", Samples.ms(t));
            Instant exited = finishedAt(api.inspect(id).path("State").path("FinishedAt").asString(""));
            if (exited != null) {
                samples.add("wait_after_exit", java.time.Duration.between(exited, answered).toNanos() / 1e6);
            }
            t = System.nanoTime();
            api.remove(id, false);
            samples.add("remove", Samples.ms(t));
        }
    }

    /** The exit time as inspect reports it; null when it is missing or only to the second (no use here). */
    static Instant finishedAt(String text) {
        try {
            Instant i = OffsetDateTime.parse(text).toInstant();
            return i.getNano() == 0 || i.getEpochSecond() < 1_000_000_000L ? null : i;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void stopAndKill() throws Exception {
        for (int i = 0; i < n; i++) {
            String id = api.create(image, TRAPPER);
            api.start(id);
            Thread.sleep(300); // the trap is set
            long t = System.nanoTime();
            api.stop(id);
            samples.add("stop", Samples.ms(t));
            api.remove(id, false);
        }
        for (int i = 0; i < n; i++) {
            String id = api.create(image, SLEEPER);
            api.start(id);
            Thread.sleep(100);
            long t = System.nanoTime();
            api.remove(id, true);
            samples.add("rm_force", Samples.ms(t));
        }
    }

    /** {@code clients} threads doing {@code each} run --rm: throughput over the wall time, and errors. */
    private void concurrent(int clients, int each) throws Exception {
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long t = System.nanoTime();
        List<Future<?>> jobs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            jobs.add(pool.submit(() -> {
                for (int i = 0; i < each; i++) {
                    try {
                        api.runRm(image, TRUE);
                        done.incrementAndGet();
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        samples.note("concurrent run --rm failed: " + e.getMessage());
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : jobs) {
            f.get();
        }
        double seconds = Samples.ms(t) / 1000;
        pool.shutdown();
        samples.add("conc_throughput", done.get() / seconds);
        samples.add("conc_errors", errors.get());
    }

    /** 100, then 500 created containers: list and inspect times, RSS; then all of them removed. */
    private void crowd(double idleKb) throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        try {
            createMany(ids, 100);
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                int seen = api.listAll();
                samples.add("list_100", Samples.ms(t));
                check(seen >= 100, "list showed " + seen + " of 100");
            }
            createMany(ids, 400);
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                int seen = api.listAll();
                samples.add("list_500", Samples.ms(t));
                check(seen >= 500, "list showed " + seen + " of 500");
            }
            for (int i = 0; i < n; i++) {
                String id = ids.get((i * 37) % ids.size());
                long t = System.nanoTime();
                api.inspect(id);
                samples.add("inspect_500", Samples.ms(t));
            }
            Thread.sleep(2000);
            double kb = Rss.kb(pid, helpers);
            samples.add("rss_500_mb", kb / 1024);
            samples.add("rss_per_container_kb", (kb - idleKb) / 500);
        } finally {
            parallel(ids.size(), i -> api.remove(ids.get(i), true));
        }
    }

    private void createMany(List<String> ids, int count) throws Exception {
        parallel(count, i -> ids.add(api.create(image, TRUE)));
    }

    interface Step {
        void run(int index) throws Exception;
    }

    /** Set-up work (not timed) on 4 threads; the first failure is thrown after all have ended. */
    private static void parallel(int count, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            jobs.add(pool.submit(() -> {
                step.run(index);
                return null;
            }));
        }
        Exception first = null;
        for (Future<?> f : jobs) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                if (first == null) {
                    first = e.getCause() instanceof Exception x ? x : e;
                }
            }
        }
        pool.shutdown();
        if (first != null) {
            throw first;
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalStateException(message);
        }
    }
}
