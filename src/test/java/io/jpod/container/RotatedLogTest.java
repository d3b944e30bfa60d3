package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file dance of a rotated log, with conmon's swap played by the test (open .tmp truncating, rename it over). */
class RotatedLogTest {

    @TempDir
    Path dir;

    private int written;

    /** What conmon does when the next record would pass its limit. */
    private static void conmonSwap(Path log) throws IOException {
        Path tmp = log.resolveSibling(log.getFileName() + ".tmp");
        Files.write(tmp, new byte[0], StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        Files.move(tmp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void write(Path log, int lines) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            written++;
            b.append("2026-12-03T18:00:00.000000000+00:00 stdout F line-").append(written).append('\n');
        }
        Files.writeString(log, b, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static List<String> texts(LogReader.Source src) throws IOException {
        return LogReader.read(src).stream().map(LogReader.Line::text).toList();
    }

    private static List<String> lines(int from, int to) {
        return IntStream.rangeClosed(from, to).mapToObj(i -> "line-" + i).toList();
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<String> out = new ArrayList<>(s.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("ctr\\.log(\\.\\d+)?")).toList());
            Collections.sort(out);
            return out;
        }
    }

    @Test
    void keepsAtMostMaxFileFilesNewestFirstAndReadsThemInOrder() throws IOException {
        Path log = dir.resolve("ctr.log");
        RotatedLog r = new RotatedLog(log, 3);
        r.prepare();
        LogReader.Source src = () -> {
            r.reconcile();
            return r.files();
        };
        write(log, 10);
        conmonSwap(log);
        r.reconcile();
        write(log, 10);
        assertThat(names()).containsExactly("ctr.log", "ctr.log.1");
        assertThat(texts(src)).isEqualTo(lines(1, 20));
        for (int i = 0; i < 4; i++) {
            conmonSwap(log);
            r.reconcile();
            write(log, 10);
        }
        assertThat(names()).containsExactly("ctr.log", "ctr.log.1", "ctr.log.2");
        assertThat(texts(src)).isEqualTo(lines(31, 60)); // three files of ten lines, the three oldest dropped
        assertThat(Files.readString(r.rotated(1))).contains("line-50\n").doesNotContain("line-51");
    }

    @Test
    void oneUnnoticedSwapLosesNothing() throws IOException {
        Path log = dir.resolve("ctr.log");
        RotatedLog r = new RotatedLog(log, 4);
        r.prepare();
        write(log, 5);
        conmonSwap(log);
        write(log, 5);
        conmonSwap(log); // conmon swaps twice before the engine looks
        write(log, 5);
        assertThat(texts(() -> {
            r.reconcile();
            return r.files();
        })).isEqualTo(lines(1, 15));
        assertThat(names()).containsExactly("ctr.log", "ctr.log.1", "ctr.log.2");
    }

    @Test
    void aFollowerGoesOnAcrossSwaps() throws Exception {
        Path log = dir.resolve("ctr.log");
        RotatedLog r = new RotatedLog(log, 2);
        r.prepare();
        write(log, 3);
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean done = new AtomicBoolean();
        Thread follower = new Thread(() -> {
            try {
                LogReader.tail(() -> {
                    synchronized (r) {
                        r.reconcile();
                        return r.files();
                    }
                }, 1, true, l -> seen.add(l.text()), () -> { }, done::get);
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        follower.start();
        for (int i = 0; i < 5; i++) {
            Thread.sleep(80);
            write(log, 3);
            conmonSwap(log); // the follower may be anywhere in the old file, or past it
            synchronized (r) {
                r.reconcile();
            }
            write(log, 2);
        }
        Thread.sleep(200);
        done.set(true);
        follower.join(5000);
        assertThat(seen).isEqualTo(lines(3, written));
    }
}
