package io.jpod.runtime;

import io.jpod.error.EngineException;
import java.util.regex.Pattern;

/** Rules for user-chosen names of containers and pods. */
public final class Names {

    public static final Pattern VALID = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private Names() {}

    /** Throws {@code INVALID_ARGUMENT} unless the name matches {@code [a-zA-Z0-9][a-zA-Z0-9_.-]*}. */
    public static void validate(String name) {
        if (name == null || !VALID.matcher(name).matches()) {
            throw EngineException.invalidArgument("names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: \"" + name
                    + "\" is not a valid name");
        }
    }
}
