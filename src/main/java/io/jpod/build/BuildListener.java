package io.jpod.build;

/** Where a build's log goes while it runs (Docker's {@code stream} messages). */
public interface BuildListener {

    /** Text of the build log: step headers, the steps' own output; lines end with a newline. */
    void stream(String text);

    /** The built image's full ID ({@code sha256:...}), once, before the closing lines. */
    void built(String imageId);
}
