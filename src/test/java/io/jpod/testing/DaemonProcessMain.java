package io.jpod.testing;

import java.nio.file.Path;
import java.util.Map;

/**
 * A daemon in a process of its own, for tests that need two processes on the same roots:
 * {@code java -cp <test class path> io.jpod.testing.DaemonProcessMain ROOT [key=value...]} starts a
 * daemon with {@link TestDaemon#isolated(Path) ROOT's properties} (plus the given ones), prints
 * {@code STARTED} and stops it again; a start that fails prints {@code FAILED: <root cause>} and
 * exits 3.
 */
public final class DaemonProcessMain {

    private DaemonProcessMain() {}

    public static void main(String[] args) {
        Map<String, Object> props = TestDaemon.isolated(Path.of(args[0]));
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        try (TestDaemon d = TestDaemon.start(props)) {
            System.out.println("STARTED");
        } catch (RuntimeException e) {
            Throwable c = e;
            while (c.getCause() != null && c.getCause() != c) {
                c = c.getCause();
            }
            System.out.println("FAILED: " + c.getMessage());
            System.out.flush();
            System.exit(3);
        }
        System.exit(0);
    }
}
