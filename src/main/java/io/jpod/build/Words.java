package io.jpod.build;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Docker's shell-word processing for Dockerfile arguments: quotes, the escape character and {@code $VAR}
 * substitution, as the Dockerfile reference describes (a small shell, not a real one: no globbing, no commands).
 *
 * <p>Single quotes keep everything literal; double quotes allow substitution and escaping of {@code "}, {@code $}
 * and the escape character (any other escape stays as written); outside quotes the escape character takes the
 * next character literally. With the escape character {@code `} a backslash is an ordinary character.
 */
public final class Words {

    private Words() {}

    /**
     * One word: {@code $VAR ${VAR} ${VAR:-def} ${VAR-def} ${VAR:+alt} ${VAR+alt} ${VAR:?msg} ${VAR?msg}}, and as
     * in current Docker {@code ${VAR#pat} ${VAR##pat} ${VAR%pat} ${VAR%%pat} ${VAR/pat/rep} ${VAR//pat/rep}}; quotes
     * removed, escapes applied, whitespace kept. {@code lookup} returns null for an unset variable.
     */
    public static String expand(String text, char escape, Function<String, String> lookup) {
        return new Lexer(text, escape, lookup).run(false);
    }

    /**
     * Splits into words at whitespace outside quotes (as for COPY/ADD/EXPOSE/VOLUME/USER...), expanding each; an
     * unquoted variable whose value holds whitespace becomes several words.
     */
    public static List<String> split(String text, char escape, Function<String, String> lookup) {
        Lexer lexer = new Lexer(text, escape, lookup);
        lexer.run(true);
        return lexer.words;
    }

    /**
     * ENV/LABEL/ARG pairs: {@code a=b c="d e"}, keys and values expanded. With {@code allowLegacy} (ENV, LABEL),
     * a first word without {@code =} selects the legacy one-pair form {@code ENV key value with spaces}; without it
     * (ARG), a word without {@code =} maps to a null value (an ARG without default).
     */
    public static LinkedHashMap<String, String> pairs(String text, char escape, Function<String, String> lookup,
            boolean allowLegacy) {
        List<String> raw = rawWords(text, escape);
        if (raw.isEmpty()) {
            throw EngineException.invalidArgument("at least one name=value pair is required");
        }
        LinkedHashMap<String, String> pairs = new LinkedHashMap<>();
        if (allowLegacy && raw.get(0).indexOf('=') < 0) {
            if (raw.size() < 2) {
                throw EngineException.invalidArgument("\"" + raw.get(0) + "\" needs a value: name value, or name=value");
            }
            String value = text.strip().substring(raw.get(0).length()).strip();
            pairs.put(name(raw.get(0), escape, lookup), expand(value, escape, lookup));
            return pairs;
        }
        for (String word : raw) {
            int eq = word.indexOf('=');
            if (eq < 0) {
                if (allowLegacy) {
                    throw EngineException.invalidArgument("syntax error - can't find = in \"" + word
                            + "\". Must be of the form: name=value");
                }
                pairs.put(name(word, escape, lookup), null);
            } else {
                pairs.put(name(word.substring(0, eq), escape, lookup), expand(word.substring(eq + 1), escape, lookup));
            }
        }
        return pairs;
    }

    private static String name(String raw, char escape, Function<String, String> lookup) {
        String name = expand(raw, escape, lookup);
        if (name.isEmpty()) {
            throw EngineException.invalidArgument("names can not be blank");
        }
        return name;
    }

    /** Whitespace-separated words with quotes and escapes left in place. */
    static List<String> rawWords(String text, char escape) {
        List<String> words = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= text.length()) {
                return words;
            }
            int end = Dockerfile.wordEnd(text, i, escape);
            words.add(text.substring(i, end));
            i = end;
        }
    }

    /** One pass over the text; collects words when splitting. */
    private static final class Lexer {
        private final String s;
        private final char escape;
        private final Function<String, String> lookup;
        private int pos;
        private boolean splitting;
        /** Inside a pattern word (${VAR#pat}, ${VAR/pat/rep}): escapes are kept for the pattern to interpret. */
        private boolean rawEscapes;
        final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();

        Lexer(String s, char escape, Function<String, String> lookup) {
            this.s = s;
            this.escape = escape;
            this.lookup = lookup;
        }

        String run(boolean split) {
            splitting = split;
            String result = process((char) 0, false);
            if (word.length() > 0) {
                words.add(word.toString());
            }
            return result;
        }

        /** Reads up to the end, or up to {@code stop} (a modifier word's closing brace or slash). */
        private String process(char stop, boolean raw) {
            boolean outerRaw = rawEscapes;
            rawEscapes = raw;
            try {
                StringBuilder out = new StringBuilder();
                boolean collect = splitting && stop == 0;
                while (pos < s.length()) {
                    char c = s.charAt(pos++);
                    if (stop != 0 && c == stop) {
                        return out.toString();
                    }
                    if (c == '\'') {
                        raw(out, singleQuoted(), collect);
                    } else if (c == '"') {
                        raw(out, doubleQuoted(), collect);
                    } else if (c == '$') {
                        String value = dollar();
                        out.append(value);
                        if (collect) {
                            value.chars().forEach(ch -> splitChar((char) ch));
                        }
                    } else if (c == escape) {
                        if (rawEscapes) {
                            raw(out, String.valueOf(c), collect);
                        }
                        if (pos < s.length()) {
                            raw(out, String.valueOf(s.charAt(pos++)), collect);
                        }
                    } else {
                        out.append(c);
                        if (collect) {
                            splitChar(c);
                        }
                    }
                }
                if (stop != 0) {
                    throw EngineException.invalidArgument("syntax error: missing '" + stop + "' in \"" + s + "\"");
                }
                return out.toString();
            } finally {
                rawEscapes = outerRaw;
            }
        }

        private void raw(StringBuilder out, String text, boolean collect) {
            out.append(text);
            if (collect) {
                word.append(text);
            }
        }

        /** Unquoted text: whitespace ends a word (an empty quoted string makes no word, as in Docker). */
        private void splitChar(char c) {
            if (!Character.isWhitespace(c)) {
                word.append(c);
            } else if (word.length() > 0) {
                words.add(word.toString());
                word.setLength(0);
            }
        }

        private String singleQuoted() {
            int end = s.indexOf('\'', pos);
            if (end < 0) {
                throw EngineException.invalidArgument("unexpected end of statement while looking for matching "
                        + "single-quote in \"" + s + "\"");
            }
            String text = s.substring(pos, end);
            pos = end + 1;
            return text;
        }

        private String doubleQuoted() {
            StringBuilder out = new StringBuilder();
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '$') {
                    out.append(dollar());
                    continue;
                }
                if (c == escape) {
                    if (rawEscapes) {
                        out.append(c);
                    }
                    if (pos >= s.length()) {
                        continue;
                    }
                    char next = s.charAt(pos);
                    if (next == '"' || next == '$' || next == escape) {
                        c = next;
                        pos++;
                    }
                }
                out.append(c);
            }
            throw EngineException.invalidArgument("unexpected end of statement while looking for matching "
                    + "double-quote in \"" + s + "\"");
        }

        /** After a {@code $}: the substituted value ({@code $} itself when no name follows). */
        private String dollar() {
            if (pos < s.length() && s.charAt(pos) == '{') {
                pos++;
                return braced();
            }
            String name = name();
            return name.isEmpty() ? "$" : value(name);
        }

        private String value(String name) {
            String value = lookup.apply(name);
            return value == null ? "" : value;
        }

        private String braced() {
            if (pos >= s.length()) {
                throw EngineException.invalidArgument("syntax error: missing '}' in \"" + s + "\"");
            }
            char first = s.charAt(pos);
            if (first == '{' || first == '}' || first == ':') {
                throw EngineException.invalidArgument("syntax error: bad substitution in \"" + s + "\"");
            }
            String name = name();
            if (pos >= s.length()) {
                throw EngineException.invalidArgument("syntax error: missing '}' in \"" + s + "\"");
            }
            char c = s.charAt(pos++);
            if (c == '}') {
                return value(name);
            }
            if (c == '/') {
                return replace(name);
            }
            boolean colon = c == ':';
            if (colon) {
                c = pos < s.length() ? s.charAt(pos++) : '}';
            }
            if (c != '-' && c != '+' && c != '?' && (colon || (c != '#' && c != '%'))) {
                throw EngineException.invalidArgument("unsupported modifier (" + (colon ? ":" : "") + c
                        + ") in substitution in \"" + s + "\"");
            }
            String word = process('}', c == '#' || c == '%');
            String value = lookup.apply(name);
            boolean set = value != null && (!colon || !value.isEmpty());
            return switch (c) {
                case '-' -> set ? value : word;
                case '+' -> set ? word : "";
                case '?' -> {
                    if (!set) {
                        throw EngineException.invalidArgument(name + ": " + (!word.isEmpty() ? word
                                : value == null ? "is not allowed to be unset" : "is not allowed to be empty"));
                    }
                    yield value;
                }
                default -> {
                    // # and % remove the shortest matching prefix or suffix, ## and %% the longest
                    boolean greedy = word.length() > 0 && word.charAt(0) == c;
                    String pattern = greedy ? word.substring(1) : word;
                    String v = value == null ? "" : value;
                    yield c == '#' ? trimPrefix(pattern, v, greedy)
                            : reverse(trimPrefix(reversePattern(pattern), reverse(v), greedy));
                }
            };
        }

        /** {@code ${VAR/pattern/replacement}} (first match) and {@code ${VAR//pattern/replacement}} (all). */
        private String replace(String name) {
            boolean all = pos < s.length() && s.charAt(pos) == '/';
            if (all) {
                pos++;
            }
            String pattern = process('/', true);
            String replacement = process('}', true);
            String value = value(name);
            Matcher m = shellPattern(pattern, true, false).matcher(value);
            String literal = Matcher.quoteReplacement(replacement);
            return all ? m.replaceAll(literal) : m.replaceFirst(literal);
        }

        /**
         * {@code name}, {@code 123} or one special parameter ({@code @ * # ? - $ ! 0}); empty when none follows.
         */
        private String name() {
            int start = pos;
            if (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                    pos++;
                }
                return s.substring(start, pos);
            }
            if (pos < s.length() && "@*#?-$!0".indexOf(s.charAt(pos)) >= 0) {
                return String.valueOf(s.charAt(pos++));
            }
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                pos++;
            }
            return s.substring(start, pos);
        }
    }

    private static String trimPrefix(String pattern, String value, boolean greedy) {
        Matcher m = shellPattern(pattern, greedy, true).matcher(value);
        return m.find() ? value.substring(m.end()) : value;
    }

    /**
     * A shell pattern from a substitution as a regex: {@code *} any text (shortest unless greedy), {@code ?} one
     * character, a backslash escapes {@code * ? \} and drops before {@code } /}.
     */
    private static Pattern shellPattern(String pattern, boolean greedy, boolean anchored) {
        StringBuilder r = new StringBuilder(anchored ? "^" : "");
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*') {
                r.append(greedy ? ".*" : ".*?");
            } else if (c == '?') {
                r.append('.');
            } else if (c == '\\') {
                char next = i + 1 < pattern.length() ? pattern.charAt(i + 1) : 0;
                if (next == '}' || next == '/') {
                    continue;
                }
                if (next != '*' && next != '?' && next != '\\') {
                    throw EngineException.invalidArgument("invalid pattern (" + pattern + ") in substitution: "
                            + "invalid escape '\\" + (next == 0 ? "" : String.valueOf(next)) + "'");
                }
                r.append(Pattern.quote(String.valueOf(next)));
                i++;
            } else {
                r.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(r.toString(), Pattern.DOTALL);
    }

    /** Reverses a pattern keeping each escape before the character it escapes. */
    private static String reversePattern(String pattern) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\' && i + 1 < pattern.length()) {
                out.insert(0, "\\" + pattern.charAt(++i));
            } else {
                out.insert(0, c);
            }
        }
        return out.toString();
    }

    private static String reverse(String s) {
        return new StringBuilder(s).reverse().toString();
    }
}
