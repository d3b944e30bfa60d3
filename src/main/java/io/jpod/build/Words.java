package io.jpod.build;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

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
     * One word: {@code $VAR ${VAR} ${VAR:-def} ${VAR-def} ${VAR:+alt} ${VAR+alt} ${VAR:?msg} ${VAR?msg}}, quotes
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
        final List<String> words = new ArrayList<>();
        private final StringBuilder word = new StringBuilder();
        private boolean inWord;

        Lexer(String s, char escape, Function<String, String> lookup) {
            this.s = s;
            this.escape = escape;
            this.lookup = lookup;
        }

        String run(boolean split) {
            splitting = split;
            String result = process(false);
            if (inWord) {
                words.add(word.toString());
            }
            return result;
        }

        /** Reads up to the end, or up to the closing brace of a modifier word when {@code inBraces}. */
        private String process(boolean inBraces) {
            StringBuilder out = new StringBuilder();
            boolean collect = splitting && !inBraces;
            while (pos < s.length()) {
                char c = s.charAt(pos++);
                if (inBraces && c == '}') {
                    return out.toString();
                }
                if (c == '\'') {
                    inWord |= collect;
                    raw(out, singleQuoted(), collect);
                } else if (c == '"') {
                    inWord |= collect;
                    raw(out, doubleQuoted(), collect);
                } else if (c == '$') {
                    String value = dollar();
                    out.append(value);
                    if (collect) {
                        value.chars().forEach(ch -> splitChar((char) ch));
                    }
                } else if (c == escape) {
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
            if (inBraces) {
                throw EngineException.invalidArgument("missing '}' in \"" + s + "\"");
            }
            return out.toString();
        }

        private void raw(StringBuilder out, String text, boolean collect) {
            out.append(text);
            if (collect) {
                word.append(text);
                inWord = true;
            }
        }

        private void splitChar(char c) {
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
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
                } else if (c == escape && pos < s.length()
                        && (s.charAt(pos) == '"' || s.charAt(pos) == '$' || s.charAt(pos) == escape)) {
                    out.append(s.charAt(pos++));
                } else {
                    out.append(c);
                }
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
            if (name.isEmpty()) {
                return "$";
            }
            String value = lookup.apply(name);
            return value == null ? "" : value;
        }

        private String braced() {
            String name = name();
            if (name.isEmpty() || pos >= s.length()) {
                throw EngineException.invalidArgument(pos >= s.length() ? "missing '}' in \"" + s + "\""
                        : "bad substitution in \"" + s + "\"");
            }
            char c = s.charAt(pos++);
            if (c == '}') {
                String value = lookup.apply(name);
                return value == null ? "" : value;
            }
            boolean colon = c == ':';
            if (colon) {
                if (pos >= s.length()) {
                    throw EngineException.invalidArgument("missing '}' in \"" + s + "\"");
                }
                c = s.charAt(pos++);
            }
            if (c != '-' && c != '+' && c != '?') {
                throw EngineException.invalidArgument("unsupported modifier (" + (colon ? ":" : "") + c
                        + ") in substitution in \"" + s + "\"");
            }
            String word = process(true);
            String value = lookup.apply(name);
            boolean set = value != null && (!colon || !value.isEmpty());
            return switch (c) {
                case '-' -> set ? value : word;
                case '+' -> set ? word : "";
                default -> {
                    if (!set) {
                        throw EngineException.invalidArgument(name + ": " + (word.isEmpty()
                                ? "is not allowed to be " + (colon ? "unset or empty" : "unset") : word));
                    }
                    yield value;
                }
            };
        }

        private String name() {
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')
                    && s.charAt(pos) < 128) {
                pos++;
            }
            return s.substring(start, pos);
        }
    }
}
