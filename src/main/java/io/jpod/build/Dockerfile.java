package io.jpod.build;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A parsed Dockerfile, following Docker's Dockerfile reference: parser directives, comments, line continuations
 * with the escape character, stages. Nothing is variable-expanded here; the executor expands at run time.
 *
 * @param escape the escape character ({@code \} or {@code `}, from the {@code # escape=} directive)
 * @param globalArgs the ARG instructions before the first FROM
 */
public record Dockerfile(char escape, List<Instruction> globalArgs, List<Stage> stages) {

    static final Set<String> KEYWORDS = Set.of("FROM", "RUN", "CMD", "LABEL", "MAINTAINER", "EXPOSE", "ENV", "ADD",
            "COPY", "ENTRYPOINT", "VOLUME", "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL");

    /** Instructions whose arguments may be a JSON array (the exec form). */
    private static final Set<String> JSON_FORMS = Set.of("RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME");

    /** Flags the classic builder knows, per instruction; anything else is refused at parse time. */
    private static final Map<String, Set<String>> FLAGS = Map.of(
            "FROM", Set.of("platform"),
            "COPY", Set.of("from", "chown", "chmod", "link"),
            "ADD", Set.of("chown", "chmod", "checksum", "keep-git-dir", "link"),
            "HEALTHCHECK", Set.of("interval", "timeout", "start-period", "start-interval", "retries"));

    /** Flags that exist only in BuildKit: named as such in the error. */
    private static final Set<String> BUILDKIT_FLAGS = Set.of("mount", "network", "security", "parents", "exclude");

    private static final Pattern DIRECTIVE = Pattern.compile("^#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.+?)\\s*$");
    private static final Set<String> DIRECTIVES = Set.of("escape", "syntax", "check");
    private static final Pattern STAGE_NAME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-_.]*$");
    // a here-document word (<<EOF, <<-EOF, <<"EOF"), but not bash's here-string <<<
    private static final Pattern HEREDOC = Pattern.compile("(^|\\s)[0-9]*<<(?!<)-?([\"']?)[A-Za-z0-9_]+\\2(\\s|$)");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public Dockerfile {
        globalArgs = List.copyOf(globalArgs);
        stages = List.copyOf(stages);
    }

    /** Parses a whole Dockerfile; errors are invalidArgument naming the line. */
    public static Dockerfile parse(String text) {
        if (text == null || text.isBlank()) {
            throw EngineException.invalidArgument("the Dockerfile cannot be empty");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) {
                lines[i] = lines[i].substring(0, lines[i].length() - 1);
            }
        }
        char escape = '\\';
        int next = 0;
        Set<String> seen = new java.util.HashSet<>();
        // directives only at the very top: the first line that is not one ends them
        for (; next < lines.length; next++) {
            Matcher m = DIRECTIVE.matcher(lines[next].stripLeading());
            if (!m.matches() || !DIRECTIVES.contains(m.group(1).toLowerCase(Locale.ROOT))) {
                break;
            }
            String name = m.group(1).toLowerCase(Locale.ROOT);
            if (!seen.add(name)) {
                throw error(next + 1, "only one " + name + " parser directive can be used");
            }
            if (name.equals("escape")) {
                String value = m.group(2);
                if (!value.equals("\\") && !value.equals("`")) {
                    throw error(next + 1, "invalid escape token '" + value + "' does not match ` or \\");
                }
                escape = value.charAt(0);
            }
        }
        // the escape character ending a line continues it, unless it is itself escaped
        String e = Pattern.quote(String.valueOf(escape));
        Pattern continuation = Pattern.compile("(?<!" + e + ")" + e + "[ \t]*$");
        List<Instruction> instructions = new ArrayList<>();
        while (next < lines.length) {
            String first = lines[next];
            int start = ++next;
            if (first.isBlank() || isComment(first)) {
                continue;
            }
            StringBuilder joined = new StringBuilder();
            Matcher m = continuation.matcher(first);
            if (!m.find()) {
                joined.append(first);
            } else {
                joined.append(first, 0, m.start());
                // continuation lines: comments and empty lines inside are dropped; a continuation may end the file
                while (next < lines.length) {
                    String line = lines[next++];
                    if (line.isBlank() || isComment(line)) {
                        continue;
                    }
                    Matcher c = continuation.matcher(line);
                    if (!c.find()) {
                        joined.append(line);
                        break;
                    }
                    joined.append(line, 0, c.start());
                }
            }
            if (!joined.toString().isBlank()) {
                instructions.add(parseLine(joined.toString(), start, escape));
            }
        }
        return assemble(escape, instructions);
    }

    private static Dockerfile assemble(char escape, List<Instruction> instructions) {
        List<Instruction> globalArgs = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        Instruction from = null;
        String name = null;
        List<Instruction> body = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (Instruction i : instructions) {
            if (i.keyword().equals("FROM")) {
                if (from != null) {
                    stages.add(new Stage(stages.size(), name, from, body));
                }
                from = i;
                name = stageName(i);
                if (name != null && !names.add(name)) {
                    throw error(i.line(), "duplicate stage name \"" + name + "\"");
                }
                body = new ArrayList<>();
            } else if (from == null) {
                if (!i.keyword().equals("ARG")) {
                    throw error(i.line(), "no FROM before " + i.keyword()
                            + " (only ARG may come before the first FROM)");
                }
                globalArgs.add(i);
            } else {
                body.add(i);
            }
        }
        if (from == null) {
            throw EngineException.invalidArgument("the Dockerfile has no FROM instruction");
        }
        stages.add(new Stage(stages.size(), name, from, body));
        return new Dockerfile(escape, globalArgs, stages);
    }

    /** The stage for {@code --target} or {@code COPY --from}: by name (case-insensitive), else by index; null if none. */
    public Stage stage(String nameOrIndex) {
        if (nameOrIndex == null) {
            return null;
        }
        String wanted = nameOrIndex.toLowerCase(Locale.ROOT);
        for (Stage s : stages) {
            if (wanted.equals(s.name())) {
                return s;
            }
        }
        if (wanted.matches("[0-9]{1,9}")) {
            int index = Integer.parseInt(wanted);
            return index < stages.size() ? stages.get(index) : null;
        }
        return null;
    }

    /**
     * Parses one instruction (continuations already joined): used for each Dockerfile line and for ONBUILD
     * triggers, which images store as single strings.
     */
    public static Instruction parseLine(String text, int line, char escape) {
        String original = text.strip();
        String[] split = original.split("\\s+", 2);
        String keyword = split[0].toUpperCase(Locale.ROOT);
        if (!KEYWORDS.contains(keyword)) {
            throw error(line, "unknown instruction: " + keyword);
        }
        String after = split.length > 1 ? split[1] : "";
        Map<String, String> flags = new LinkedHashMap<>();
        String rest = extractFlags(after, escape, flags).strip();
        checkFlags(line, keyword, flags);
        if (rest.isEmpty()) {
            throw error(line, keyword + " requires at least one argument");
        }
        List<String> json = null;
        if (JSON_FORMS.contains(keyword)) {
            json = jsonArray(line, rest);
        }
        switch (keyword) {
            case "FROM" -> stageName(line, rest);
            case "COPY", "ADD" -> {
                if ((json != null ? json.size() : Words.rawWords(rest, escape).size()) < 2) {
                    throw error(line, keyword + " requires at least two arguments, but only one was provided. "
                            + "Destination could not be determined");
                }
            }
            case "USER", "STOPSIGNAL" -> {
                if (Words.rawWords(rest, escape).size() != 1) {
                    throw error(line, keyword + " requires exactly one argument");
                }
            }
            case "SHELL" -> {
                if (json == null) {
                    throw error(line, "SHELL requires the arguments to be in JSON form");
                }
            }
            case "HEALTHCHECK" -> {
                String[] kind = rest.split("\\s+", 2);
                if (kind[0].equalsIgnoreCase("CMD") && kind.length > 1) {
                    json = jsonArray(line, kind[1].strip());
                }
            }
            case "ONBUILD" -> {
                Instruction trigger = parseLine(rest, line, escape);
                switch (trigger.keyword()) {
                    case "ONBUILD" -> throw error(line, "chaining ONBUILD via ONBUILD ONBUILD isn't allowed");
                    case "FROM", "MAINTAINER" -> throw error(line, trigger.keyword()
                            + " isn't allowed as an ONBUILD trigger");
                    default -> { }
                }
            }
            default -> { }
        }
        if (json == null && Set.of("RUN", "COPY", "ADD").contains(keyword) && HEREDOC.matcher(rest).find()) {
            throw error(line, "heredocs (" + keyword + " <<EOF) need BuildKit; the classic builder does not support them");
        }
        Instruction instruction = new Instruction(line, keyword, flags, rest, json, original);
        if (keyword.equals("HEALTHCHECK")) {
            HealthcheckSpec.parse(instruction); // its errors belong to parsing, with the line
        }
        return instruction;
    }

    /** Reads leading {@code --name[=value]} words into {@code flags}; returns what follows them. */
    private static String extractFlags(String text, char escape, Map<String, String> flags) {
        int i = 0;
        while (true) {
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (!text.startsWith("--", i)) {
                return text.substring(i);
            }
            int end = wordEnd(text, i, escape);
            String raw = text.substring(i, end);
            i = end;
            if (raw.equals("--")) {
                return text.substring(i); // "--" ends the flags
            }
            String word = unquote(raw.substring(2), escape);
            int eq = word.indexOf('=');
            flags.put(eq < 0 ? word : word.substring(0, eq), eq < 0 ? "" : word.substring(eq + 1));
        }
    }

    /** A flag word as BuildKit reads it: quotes removed, escaped characters taken literally, nothing expanded. */
    private static String unquote(String word, char escape) {
        StringBuilder out = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (c == escape) {
                if (++i < word.length()) {
                    out.append(word.charAt(i));
                }
            } else if (quote != 0 && c == quote) {
                quote = 0;
            } else if (quote == 0 && (c == '"' || c == '\'')) {
                quote = c;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The end of the word starting at {@code from}: the first whitespace outside quotes. */
    static int wordEnd(String text, int from, char escape) {
        char quote = 0;
        int i = from;
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == escape && quote != '\'' && i + 1 < text.length()) {
                i++;
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (Character.isWhitespace(c)) {
                break;
            }
        }
        return i;
    }

    private static void checkFlags(int line, String keyword, Map<String, String> flags) {
        Set<String> allowed = FLAGS.getOrDefault(keyword, Set.of());
        for (String flag : flags.keySet()) {
            if (!allowed.contains(flag)) {
                throw error(line, "unknown flag for " + keyword + ": --" + flag
                        + (BUILDKIT_FLAGS.contains(flag) ? " (it needs BuildKit; this is the classic builder)" : ""));
            }
        }
    }

    /**
     * The array when {@code text} is a JSON array of strings; null when it is not JSON (shell form); an error for
     * an array holding anything but strings, as in Docker.
     */
    private static List<String> jsonArray(int line, String text) {
        if (!text.startsWith("[")) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            if (!node.isArray()) {
                return null;
            }
            List<String> values = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isString()) {
                    throw error(line, "when using JSON array syntax, arrays must be comprised of strings only");
                }
                values.add(element.asString());
            }
            return values;
        } catch (JacksonException e) {
            return null;
        }
    }

    private static String stageName(Instruction from) {
        return stageName(from.line(), from.rest());
    }

    /** Validates {@code image [AS name]}; returns the lower-cased name or null. */
    private static String stageName(int line, String rest) {
        String[] words = rest.split("\\s+");
        if (words.length == 1) {
            return null;
        }
        if (words.length != 3 || !words[1].equalsIgnoreCase("AS")) {
            throw error(line, "FROM requires either one argument, or three: FROM <image> AS <name>");
        }
        if (!STAGE_NAME.matcher(words[2]).matches()) {
            throw error(line, "invalid name for build stage: \"" + words[2]
                    + "\", name can't start with a number or contain symbols");
        }
        return words[2].toLowerCase(Locale.ROOT);
    }

    private static boolean isComment(String line) {
        return line.stripLeading().startsWith("#");
    }

    private static EngineException error(int line, String message) {
        return EngineException.invalidArgument("Dockerfile line " + line + ": " + message);
    }
}
