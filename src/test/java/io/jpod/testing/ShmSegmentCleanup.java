package io.jpod.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/** Removes the test daemons' lock segments ({@code /dev/shm/jpod_test_*}) when a test run ends. */
public final class ShmSegmentCleanup implements TestExecutionListener {

    public static final String PREFIX = "/jpod_test_";

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        try (Stream<Path> files = Files.list(Path.of("/dev/shm"))) {
            files.filter(f -> f.getFileName().toString().startsWith(PREFIX.substring(1))).forEach(f -> {
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
}
