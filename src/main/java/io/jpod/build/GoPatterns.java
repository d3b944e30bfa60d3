package io.jpod.build;

import io.jpod.error.EngineException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.regex.Pattern;

/**
 * Go's path-pattern facts as Docker uses them: {@code filepath.Match} syntax ({@code *}, {@code ?}, {@code [...]},
 * {@code \} escape; no wildcard crosses a {@code /}), .dockerignore's {@code **}, and {@code filepath.Clean}.
 */
final class GoPatterns {

    private GoPatterns() {}

    /** True when the text holds a wildcard that {@code filepath.Match} would interpret. */
    static boolean hasWildcard(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    /** {@code filepath.Match} as a regex; with {@code doubleStar}, {@code **} also spans directories. */
    static Pattern compile(String pattern, boolean doubleStar) {
        StringBuilder r = new StringBuilder("^");
        int n = pattern.length();
        for (int i = 0; i < n; i++) {
            char c = pattern.charAt(i);
            switch (c) {
                case '*' -> {
                    if (doubleStar && i + 1 < n && pattern.charAt(i + 1) == '*') {
                        i++;
                        if (i + 1 < n && pattern.charAt(i + 1) == '/') {
                            i++; // "**/" is "**"
                        }
                        // at the end it takes everything; elsewhere any number of whole directories, even none
                        r.append(i + 1 >= n ? ".*" : "(.*/)?");
                    } else {
                        r.append("[^/]*");
                    }
                }
                case '?' -> r.append("[^/]");
                case '[' -> i = characterClass(pattern, i, r);
                case '\\' -> {
                    if (++i >= n) {
                        throw bad(pattern);
                    }
                    r.append(Pattern.quote(String.valueOf(pattern.charAt(i))));
                }
                default -> r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(r.append('$').toString(), Pattern.DOTALL);
    }

    /** Translates {@code [...]} starting at {@code start}; returns the index of its {@code ]}. */
    private static int characterClass(String pattern, int start, StringBuilder r) {
        int i = start + 1;
        StringBuilder cls = new StringBuilder("[");
        if (i < pattern.length() && pattern.charAt(i) == '^') {
            cls.append('^');
            i++;
        }
        boolean empty = true;
        for (; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == ']' && !empty) {
                // a class never matches the separator
                r.append("(?!/)").append(cls).append(']');
                return i;
            }
            if (c == '\\') {
                if (++i >= pattern.length()) {
                    break;
                }
                c = pattern.charAt(i);
            } else if (c == '-' && !empty && i + 1 < pattern.length() && pattern.charAt(i + 1) != ']') {
                cls.append('-');
                continue;
            }
            cls.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : "\\" + c);
            empty = false;
        }
        throw bad(pattern);
    }

    private static EngineException bad(String pattern) {
        return EngineException.invalidArgument("syntax error in pattern \"" + pattern + "\"");
    }

    /** {@code filepath.Clean} for slash-separated paths: no empty or {@code .} segments, {@code ..} resolved. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        boolean rooted = path.startsWith("/");
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty() && !parts.peekLast().equals("..")) {
                    parts.removeLast();
                } else if (!rooted) {
                    parts.addLast("..");
                }
            } else {
                parts.addLast(part);
            }
        }
        String joined = String.join("/", parts);
        if (rooted) {
            return "/" + joined;
        }
        return joined.isEmpty() ? "." : joined;
    }
}
