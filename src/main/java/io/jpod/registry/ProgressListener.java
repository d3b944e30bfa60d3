package io.jpod.registry;

/**
 * Hears how a pull or push goes, in Docker's vocabulary, so each API can draw it its own way.
 * Called from several download threads: implementations must be thread-safe.
 */
public interface ProgressListener {

    ProgressListener NONE = new ProgressListener() {
        @Override
        public void message(String text) {}

        @Override
        public void layer(String id, String status, long current, long total) {}
    };

    /**
     * A line about the whole operation: {@code Pulling from library/busybox}, {@code Digest: sha256:...},
     * {@code Status: Downloaded newer image for busybox:latest}, {@code The push refers to repository [...]}.
     */
    void message(String text);

    /**
     * A layer's (or the config's) step, {@code id} being its 12-character short digest. Pull statuses:
     * {@code Pulling fs layer}, {@code Waiting}, {@code Downloading}, {@code Verifying Checksum},
     * {@code Download complete}, {@code Extracting}, {@code Pull complete}, {@code Already exists},
     * {@code Retrying}. Push: {@code Preparing}, {@code Waiting}, {@code Pushing}, {@code Pushed},
     * {@code Layer already exists}, {@code Mounted from <repo>}. {@code current}/{@code total} are
     * bytes, 0 when not applicable.
     */
    void layer(String id, String status, long current, long total);
}
