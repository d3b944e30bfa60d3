package io.jpod.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * jpod's own start-up and memory, driven by {@code src/test/bench/startup-bench.sh}.
 * <ul>
 *   <li>{@code startup --url U --raw FILE --log FILE [--starts 3] -- java -jar ...}: starts the daemon command
 *       itself, times process start to readiness UP ({@code /actuator/health/readiness}) and to the first
 *       {@code run --rm} done, stops it (SIGTERM), and again.</li>
 *   <li>{@code soak --url U --pid PID --raw FILE [--cycles 1000] [--every 100]}: {@code run --rm} cycles;
 *       every {@code every} cycles the daemon's VmRSS, Java heap used/committed (jcmd GC.heap_info) and
 *       the native memory the JVM committed outside the heap (jcmd VM.native_memory, when the daemon runs
 *       with {@code -XX:NativeMemoryTracking=summary}).</li>
 * </ul>
 */
final class StartupBench {

    private StartupBench() {}

    static void startup(Map<String, String> o, String[] args) throws Exception {
        List<String> command = new ArrayList<>(Arrays.asList(args).subList(Arrays.asList(args).indexOf("--") + 1,
                args.length));
        Api api = new Api(o.get("url"));
        Samples samples = new Samples(Path.of(o.get("raw")), "jpod");
        String image = o.getOrDefault("image", "busybox");
        int starts = Integer.parseInt(o.getOrDefault("starts", "3"));
        for (int i = 0; i < starts; i++) {
            long t = System.nanoTime();
            Process daemon = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(Path.of(o.get("log")).toFile())).start();
            try {
                while (!ready(api)) {
                    if (!daemon.isAlive()) {
                        throw new IllegalStateException("the daemon ended before it was ready: see " + o.get("log"));
                    }
                    if (Samples.ms(t) > 120_000) {
                        throw new IllegalStateException("not ready after 120 s");
                    }
                    Thread.sleep(5);
                }
                double ready = Samples.ms(t);
                api.runRm(image, ApiBench.TRUE);
                double first = Samples.ms(t);
                samples.add("startup_ready", ready);
                samples.add("startup_first_run_rm", first);
                System.out.printf("start %d: readiness UP after %.0f ms, first run --rm done after %.0f ms%n",
                        i + 1, ready, first);
            } finally {
                daemon.destroy();
                if (!daemon.waitFor(60, TimeUnit.SECONDS)) {
                    daemon.destroyForcibly().waitFor();
                }
            }
        }
    }

    private static boolean ready(Api api) throws InterruptedException {
        try {
            HttpResponse<String> r = api.raw("/actuator/health/readiness");
            return r.statusCode() == 200 && r.body().contains("\"UP\"");
        } catch (IOException notListening) {
            return false;
        }
    }

    static void soak(Map<String, String> o) throws Exception {
        Api api = new Api(o.get("url"));
        long pid = Long.parseLong(o.get("pid"));
        Samples samples = new Samples(Path.of(o.get("raw")), "jpod");
        String image = o.getOrDefault("image", "busybox");
        int cycles = Integer.parseInt(o.getOrDefault("cycles", "1000"));
        int every = Integer.parseInt(o.getOrDefault("every", "100"));
        System.out.println("cycles   RSS MB   heap used MB   heap committed MB   NMT committed MB (heap excluded)   ms/cycle");
        long t = System.nanoTime();
        int errors = 0;
        for (int c = 0; c <= cycles; c++) {
            if (c % every == 0) {
                double rss = Rss.kb(pid, Set.of()) / 1024.0;
                long[] heap = heapKb(pid);
                long nmt = nativeKb(pid);
                samples.add("soak_rss_mb@" + c, rss);
                samples.add("soak_heap_used_mb@" + c, heap[0] / 1024.0);
                samples.add("soak_native_mb@" + c, nmt / 1024.0);
                System.out.printf("%6d %8.1f %14.1f %19.1f %34s %10.0f%n", c, rss, heap[0] / 1024.0, heap[1] / 1024.0,
                        nmt < 0 ? "(NMT off)" : String.format("%.1f", nmt / 1024.0), c == 0 ? 0 : Samples.ms(t) / every);
                t = System.nanoTime();
            }
            if (c < cycles) {
                try {
                    api.runRm(image, ApiBench.TRUE);
                } catch (Exception e) {
                    errors++;
                    samples.note("soak run --rm failed: " + e.getMessage());
                }
            }
        }
        samples.add("soak_errors", errors);
        System.out.println("errors: " + errors);
    }

    private static final Pattern HEAP = Pattern.compile("total (\\d+)K, used (\\d+)K");
    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB");

    /** {used, committed} kB of the Java heap, summed over the generations jcmd lists. */
    static long[] heapKb(long pid) throws Exception {
        long used = 0;
        long total = 0;
        Matcher m = HEAP.matcher(jcmd(pid, "GC.heap_info"));
        while (m.find()) {
            total += Long.parseLong(m.group(1));
            used += Long.parseLong(m.group(2));
        }
        return new long[] {used, total};
    }

    /** Native memory the JVM committed besides the heap, kB; -1 without NMT. */
    static long nativeKb(long pid) throws Exception {
        String out = jcmd(pid, "VM.native_memory", "summary");
        Matcher total = NMT_TOTAL.matcher(out);
        Matcher heap = NMT_HEAP.matcher(out);
        if (!total.find() || !heap.find()) {
            return -1;
        }
        return Long.parseLong(total.group(2)) - Long.parseLong(heap.group(2));
    }

    private static String jcmd(long pid, String... command) throws Exception {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        argv.addAll(List.of(command));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(30, TimeUnit.SECONDS);
        return out;
    }
}
