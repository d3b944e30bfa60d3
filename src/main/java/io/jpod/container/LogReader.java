package io.jpod.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads conmon's k8s-file log ({@code <timestamp> <stream> <P|F> <content>} per record), joining
 * partial records into whole lines, across the files of a rotated log in order, and can follow it
 * as it grows. A follower keeps the file it reads open: when conmon starts the log over, it reads
 * the old file to its end (conmon closed it before the swap) and goes on with the one after it.
 */
public final class LogReader {

    /** One line of output. */
    public record Line(Instant time, boolean stderr, String text) {}

    /** Where a log is: its files, oldest first, the one being written last; asked again after each swap. */
    @FunctionalInterface
    public interface Source {
        List<Path> files() throws IOException;

        /** A log of one file. */
        static Source of(Path file) {
            return () -> List.of(file);
        }
    }

    private static final long POLL_MILLIS = 50;

    private LogReader() {}

    /** All complete lines in the file. */
    public static List<Line> read(Path log) throws IOException {
        return read(Source.of(log));
    }

    /** All lines in the log's files. */
    public static List<Line> read(Source log) throws IOException {
        List<Line> out = new ArrayList<>();
        try (Cursor c = Cursor.open(log, new Parser(out::add))) {
            c.drain();
            c.flushPartial();
        }
        return out;
    }

    /** Follows the log from its start, handing each line to {@code sink}, until {@code done} and all is read. */
    public static void follow(Source log, Consumer<Line> sink, BooleanSupplier done)
            throws IOException, InterruptedException {
        try (Cursor c = Cursor.open(log, new Parser(sink))) {
            follow(c, done);
        }
    }

    /**
     * The last {@code tail} lines (negative: all), {@code caughtUp} once they are handed over, then
     * with {@code follow} every new line until {@code done} says the writer has finished.
     */
    public static void tail(Source log, int tail, boolean follow, Consumer<Line> sink, Runnable caughtUp,
            BooleanSupplier done) throws IOException, InterruptedException {
        List<Line> lines = new ArrayList<>();
        Parser parser = new Parser(lines::add);
        try (Cursor c = Cursor.open(log, parser)) {
            c.drain();
            for (int i = tail < 0 ? 0 : Math.max(0, lines.size() - tail); i < lines.size(); i++) {
                sink.accept(lines.get(i));
            }
            caughtUp.run();
            if (follow) {
                parser.sink = sink; // goes on from where the stored lines ended
                follow(c, done);
            }
        }
    }

    private static void follow(Cursor c, BooleanSupplier done) throws IOException, InterruptedException {
        try {
            while (true) {
                boolean finished = done.getAsBoolean();
                if (c.drain() || c.advance()) {
                    continue;
                }
                if (finished) {
                    return;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (java.nio.channels.ClosedByInterruptException e) {
            // an interrupt in the middle of a read closes the channel: to the caller it is the interrupt it is
            InterruptedException interrupted = new InterruptedException("interrupted while following the log");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** Open files of a log, read in order; the last one stays open to be followed. */
    private static final class Cursor implements AutoCloseable {
        private final Source source;
        private final Parser parser;
        private final List<FileChannel> open = new ArrayList<>();
        private final List<Object> keys = new ArrayList<>();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
        private Path current;

        private Cursor(Source source, Parser parser) {
            this.source = source;
            this.parser = parser;
        }

        /**
         * Opens every file of the log. The list is taken again after the opens: a swap in between
         * (names moving under us) shows as a different list, and the files are opened again.
         */
        static Cursor open(Source source, Parser parser) throws IOException {
            Cursor c = new Cursor(source, parser);
            for (int attempt = 0; ; attempt++) {
                List<Path> files = source.files();
                List<Object> before = keys(files);
                for (int i = 0; i < files.size(); i++) {
                    c.add(files.get(i), before.get(i));
                }
                c.current = files.get(files.size() - 1);
                List<Path> again = source.files();
                if (attempt >= 5 || (again.equals(files) && keys(again).equals(before))) {
                    return c;
                }
                c.closeAll();
            }
        }

        private void add(Path file, Object key) throws IOException {
            if (key == null) {
                return; // not written yet (a follower waits for it)
            }
            try {
                open.add(FileChannel.open(file, StandardOpenOption.READ));
                keys.add(key);
            } catch (NoSuchFileException e) {
                // moved away meanwhile: the second listing notices
            }
        }

        /** Reads what the open files hold now, closing all but the last once read; true if any bytes came. */
        boolean drain() throws IOException {
            boolean any = false;
            while (!open.isEmpty()) {
                FileChannel ch = open.get(0);
                int n;
                while ((n = ch.read(buf.clear())) > 0) {
                    any = true;
                    take(n);
                }
                if (open.size() == 1) {
                    break;
                }
                ch.close();
                open.remove(0);
                keys.remove(0);
            }
            return any;
        }

        /**
         * When the file being read is no longer the one being written (conmon started over),
         * moves on to the file that came after it; true if it did.
         */
        boolean advance() throws IOException {
            Object now = RotatedLog.key(current);
            Object mine = keys.isEmpty() ? null : keys.get(0);
            if (now == null || now.equals(mine)) {
                return false;
            }
            drain(); // the left file is complete
            List<Path> files = source.files();
            List<Object> fileKeys = keys(files);
            int at = mine == null ? -1 : fileKeys.indexOf(mine);
            closeAll();
            // after the file that was read; from the oldest kept when that one was dropped
            for (int i = at + 1; i < files.size(); i++) {
                add(files.get(i), fileKeys.get(i));
            }
            current = files.get(files.size() - 1);
            return true;
        }

        private void take(int n) {
            byte[] b = buf.array();
            int start = 0;
            for (int i = 0; i < n; i++) {
                if (b[i] == '\n') {
                    pending.write(b, start, i - start);
                    parser.accept(pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                    start = i + 1;
                }
            }
            pending.write(b, start, n - start);
        }

        /** A last record without its newline (a reader that does not follow takes it as it is). */
        void flushPartial() {
            if (pending.size() > 0) {
                parser.accept(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }

        private static List<Object> keys(List<Path> files) {
            List<Object> out = new ArrayList<>();
            for (Path f : files) {
                out.add(RotatedLog.key(f));
            }
            return out;
        }

        private void closeAll() throws IOException {
            for (FileChannel ch : open) {
                ch.close();
            }
            open.clear();
            keys.clear();
        }

        @Override
        public void close() throws IOException {
            closeAll();
        }
    }

    private static final class Parser {
        private Consumer<Line> sink;
        private final StringBuilder partial = new StringBuilder();

        Parser(Consumer<Line> sink) {
            this.sink = Objects.requireNonNull(sink);
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
