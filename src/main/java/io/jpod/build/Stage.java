package io.jpod.build;

import java.util.List;

/**
 * One build stage: its FROM and the instructions after it.
 *
 * @param index 0-based position in the Dockerfile
 * @param name the {@code AS} name, lower-cased, or null
 */
public record Stage(int index, String name, Instruction from, List<Instruction> body) {

    public Stage {
        body = List.copyOf(body);
    }

    /** The image reference of the FROM line as written (may hold {@code $VARS} for the executor to expand). */
    public String image() {
        return from.rest().split("\\s+", 2)[0];
    }
}
