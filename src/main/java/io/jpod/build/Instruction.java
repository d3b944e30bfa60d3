package io.jpod.build;

import java.util.List;
import java.util.Map;

/**
 * One Dockerfile instruction as written.
 *
 * @param line 1-based line where the instruction starts
 * @param keyword upper-case keyword (FROM, RUN, ...)
 * @param flags leading {@code --name=value} / {@code --name} flags in order ("" for a bare flag); as in BuildKit,
 *     quotes are removed and escapes applied, but variables are left for the executor to expand
 * @param rest the text after keyword and flags, continuation lines joined, trimmed, not variable-expanded
 * @param json the exec-form array when {@code rest} is a JSON array of strings (for HEALTHCHECK: the part after
 *     CMD), else null
 * @param original the instruction text as written (continuations joined), for history and cache keys
 */
public record Instruction(int line, String keyword, Map<String, String> flags, String rest, List<String> json,
        String original) {

    public Instruction {
        flags = java.util.Collections.unmodifiableMap(flags == null ? new java.util.LinkedHashMap<>()
                : new java.util.LinkedHashMap<>(flags));
        json = json == null ? null : List.copyOf(json);
    }

    /** The flag's raw value, null when absent ("" for a bare flag). */
    public String flag(String name) {
        return flags.get(name);
    }

    /** True for the exec (JSON) form. */
    public boolean execForm() {
        return json != null;
    }
}
