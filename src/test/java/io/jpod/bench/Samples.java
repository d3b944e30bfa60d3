package io.jpod.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The raw file: one sample a line, {@code engine<TAB>scenario<TAB>value}; {@code #} lines are notes. */
final class Samples {

    private final Path file;
    private final String engine;

    Samples(Path file, String engine) {
        this.file = file;
        this.engine = engine;
    }

    String engineName() {
        return engine;
    }

    synchronized void add(String scenario, double value) {
        append(engine + "\t" + scenario + "\t" + String.format(java.util.Locale.ROOT, "%.3f", value) + "\n");
    }

    synchronized void note(String text) {
        append("# " + engine + ": " + text + "\n");
    }

    private void append(String line) {
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Milliseconds since {@code startNanos} ({@link System#nanoTime()}). */
    static double ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e6;
    }
}
