package io.jpod.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Removes this test JVM's lock segments ({@code /dev/shm/jpod_test_<pid>_*}) when its run ends, and
 * those of test JVMs that are gone. Segments of another test run still going on are left alone.
 */
public final class ShmSegmentCleanup implements TestExecutionListener {

    public static final String PREFIX = "/jpod_test_" + ProcessHandle.current().pid() + "_";
    private static final String ANY = "jpod_test_";

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            files.filter(f -> f.getFileName().toString().startsWith(PREFIX.substring(1)) || orphaned(f))
                    .forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // no /dev/shm: nothing to clean
        }
    }

    /** A segment named for a test JVM that is no longer running. */
    private static boolean orphaned(Path f) {
        String name = f.getFileName().toString();
        if (!name.startsWith(ANY)) {
            return false;
        }
        String rest = name.substring(ANY.length());
        int end = rest.indexOf('_');
        try {
            return end > 0 && ProcessHandle.of(Long.parseLong(rest.substring(0, end))).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
