package io.jpod.build;

import io.jpod.error.EngineException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A .dockerignore file: Go {@code filepath.Match} patterns plus {@code **} for any number of directories, matched
 * against slash-separated paths relative to the context root. The last matching rule wins, {@code !} re-includes,
 * and a rule matching a directory covers everything under it.
 *
 * <p>Docker never leaves out the Dockerfile and the .dockerignore itself when it reads them for the build, even
 * when a rule matches them (they are just not COPYable then); that exception is the executor's business.
 */
public final class DockerIgnore {

    private record Rule(String text, Pattern regex, List<String> segments, boolean exclusion) {}

    private final List<Rule> rules;

    private DockerIgnore(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** No rules: nothing excluded. */
    public static final DockerIgnore NONE = new DockerIgnore(List.of());

    /** Parses the file: lines starting with {@code #} and blank lines skipped, lines trimmed, patterns cleaned, leading / dropped. */
    public static DockerIgnore parse(String text) {
        List<Rule> rules = new ArrayList<>();
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        for (String line : body.split("\n")) {
            // only a # at the very start makes a comment ("  #x" is a pattern), as in Docker
            String pattern = line.startsWith("#") ? "" : line.strip();
            if (pattern.isEmpty()) {
                continue;
            }
            boolean exclusion = pattern.startsWith("!");
            if (exclusion) {
                pattern = pattern.substring(1).strip();
                if (pattern.isEmpty()) {
                    throw EngineException.invalidArgument(".dockerignore: illegal exclusion pattern: \"!\"");
                }
            }
            pattern = GoPatterns.clean(pattern);
            if (pattern.length() > 1 && pattern.startsWith("/")) {
                pattern = pattern.substring(1);
            }
            Pattern regex;
            try {
                regex = GoPatterns.compile(pattern, true);
            } catch (EngineException e) {
                throw EngineException.invalidArgument(".dockerignore: " + e.getMessage());
            }
            rules.add(new Rule(pattern, regex, List.of(pattern.split("/")), exclusion));
        }
        return new DockerIgnore(rules);
    }

    /** True when the path (relative to the context root, slash-separated) is left out of the context. */
    public boolean excluded(String relativePath) {
        String path = relative(relativePath);
        List<String> parents = new ArrayList<>();
        for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
            parents.add(path.substring(0, i));
        }
        boolean excluded = false;
        for (Rule rule : rules) {
            if (rule.exclusion() != excluded) {
                continue; // this rule could not change the outcome
            }
            boolean match = rule.regex().matcher(path).matches();
            for (int i = 0; !match && i < parents.size(); i++) {
                match = rule.regex().matcher(parents.get(i)).matches();
            }
            if (match) {
                excluded = !rule.exclusion();
            }
        }
        return excluded;
    }

    /**
     * False when the whole directory can be skipped: it is excluded and no {@code !} rule could re-include anything
     * under it. Errs on the side of true.
     */
    public boolean mayIncludeUnder(String relativeDir) {
        String dir = relative(relativeDir);
        if (!excluded(dir)) {
            return true;
        }
        List<String> segments = List.of(dir.split("/"));
        for (Rule rule : rules) {
            if (rule.exclusion() && couldMatchUnder(rule.segments(), segments)) {
                return true;
            }
        }
        return false;
    }

    private static boolean couldMatchUnder(List<String> pattern, List<String> dir) {
        for (int k = 0; k < pattern.size() && k < dir.size(); k++) {
            if (pattern.get(k).contains("**")) {
                return true;
            }
            if (!GoPatterns.compile(pattern.get(k), false).matcher(dir.get(k)).matches()) {
                return false;
            }
        }
        return true;
    }

    private static String relative(String path) {
        String p = GoPatterns.clean(path.replace('\\', '/'));
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p;
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }
}
