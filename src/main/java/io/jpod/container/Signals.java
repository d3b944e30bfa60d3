package io.jpod.container;

import io.jpod.error.EngineException;
import java.util.Locale;
import java.util.Map;

/** Linux signal names and numbers (x86_64), as clients send them: {@code SIGTERM}, {@code TERM}, {@code 15}. */
public final class Signals {

    private static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("HUP", 1), Map.entry("INT", 2),
            Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5), Map.entry("ABRT", 6),
            Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9), Map.entry("USR1", 10),
            Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13), Map.entry("ALRM", 14),
            Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17), Map.entry("CONT", 18),
            Map.entry("STOP", 19), Map.entry("TSTP", 20), Map.entry("TTIN", 21), Map.entry("TTOU", 22),
            Map.entry("URG", 23), Map.entry("XCPU", 24), Map.entry("XFSZ", 25), Map.entry("VTALRM", 26),
            Map.entry("PROF", 27), Map.entry("WINCH", 28), Map.entry("IO", 29), Map.entry("PWR", 30),
            Map.entry("SYS", 31));

    private Signals() {}

    /** The signal number; an unknown name or a number outside 1..64 is {@code INVALID_ARGUMENT}. */
    public static int parse(String signal) {
        // no trimming: " 9" is not a signal (Docker's ParseSignal reads it as written)
        String s = signal.toUpperCase(Locale.ROOT);
        if (s.matches("\\d{1,2}")) {
            int n = Integer.parseInt(s);
            if (n >= 1 && n <= 64) {
                return n;
            }
        } else {
            Integer n = NUMBERS.get(s.startsWith("SIG") ? s.substring(3) : s);
            if (n != null) {
                return n;
            }
        }
        throw EngineException.invalidArgument("invalid signal: " + signal);
    }
}
