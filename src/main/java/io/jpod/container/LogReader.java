package io.jpod.container;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads conmon's k8s-file log ({@code <timestamp> <stream> <P|F> <content>} per record), joining
 * partial records into whole lines, and can follow the file as it grows.
 */
public final class LogReader {

    /** One line of output. */
    public record Line(Instant time, boolean stderr, String text) {}

    private LogReader() {}

    /** All complete lines in the file. */
    public static List<Line> read(Path log) throws IOException {
        List<Line> out = new ArrayList<>();
        if (!Files.exists(log)) {
            return out;
        }
        Parser p = new Parser(out::add);
        for (String record : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            p.accept(record);
        }
        return out;
    }

    /**
     * Follows the file from {@code fromByte}, handing each line to {@code sink}, until {@code done}
     * says the writer has finished and the file holds nothing more.
     */
    public static void follow(Path log, long fromByte, Consumer<Line> sink, BooleanSupplier done)
            throws IOException, InterruptedException {
        Parser p = new Parser(sink);
        long pos = fromByte;
        StringBuilder pending = new StringBuilder();
        while (true) {
            boolean finished = done.getAsBoolean();
            if (Files.exists(log)) {
                try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                    if (f.length() < pos) {
                        pos = 0; // the log was rotated
                    }
                    f.seek(pos);
                    byte[] buf = new byte[(int) Math.min(1 << 20, f.length() - pos)];
                    int n = f.read(buf);
                    if (n > 0) {
                        pos += n;
                        pending.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        int nl;
                        while ((nl = pending.indexOf("\n")) >= 0) {
                            p.accept(pending.substring(0, nl));
                            pending.delete(0, nl + 1);
                        }
                        continue;
                    }
                }
            }
            if (finished) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /**
     * The last {@code tail} lines (negative: all), {@code caughtUp} once they are handed over, then
     * with {@code follow} every new line until {@code done} says the writer has finished.
     */
    public static void tail(Path log, int tail, boolean follow, Consumer<Line> sink, Runnable caughtUp,
            BooleanSupplier done) throws IOException, InterruptedException {
        List<Line> lines = read(log);
        long offset = size(log);
        for (int i = tail < 0 ? 0 : Math.max(0, lines.size() - tail); i < lines.size(); i++) {
            sink.accept(lines.get(i));
        }
        caughtUp.run();
        if (follow) {
            follow(log, offset, sink, done);
        }
    }

    /** Size of the file now: where following "new output only" starts. */
    public static long size(Path log) {
        try {
            return Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static final class Parser {
        private final Consumer<Line> sink;
        private final StringBuilder partial = new StringBuilder();

        Parser(Consumer<Line> sink) {
            this.sink = sink;
        }

        void accept(String record) {
            String[] f = record.split(" ", 4);
            if (f.length < 3) {
                return;
            }
            Instant time;
            try {
                time = OffsetDateTime.parse(f[0]).toInstant();
            } catch (RuntimeException e) {
                return;
            }
            String content = f.length == 4 ? f[3] : "";
            partial.append(content);
            if ("F".equals(f[2])) {
                sink.accept(new Line(time, "stderr".equals(f[1]), partial.toString()));
                partial.setLength(0);
            }
        }
    }
}
