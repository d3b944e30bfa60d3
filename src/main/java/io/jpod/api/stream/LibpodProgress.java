package io.jpod.api.stream;

import io.jpod.registry.ProgressListener;
import java.util.Map;

/**
 * A pull's or push's progress as podman's service streams it: {@code stream} lines in the words of
 * its image copier ({@code Copying blob ...}), which podman's remote client prints.
 */
public final class LibpodProgress implements ProgressListener {

    private final JsonLines lines;

    public LibpodProgress(JsonLines lines) {
        this.lines = lines;
    }

    public void stream(String text) {
        lines.write(Map.of("stream", text.endsWith("\n") ? text : text + "\n"));
    }

    @Override
    public void message(String text) {
        if (text.startsWith("Digest: ")) {
            stream("Writing manifest to image destination");
        } else if (text.startsWith("The push refers to")) {
            stream("Getting image source signatures");
        }
    }

    @Override
    public void layer(String id, String status, long current, long total) {
        switch (status) {
            case "Pulling fs layer" -> stream("Copying blob " + id);
            case "Already exists", "Layer already exists" -> stream("Copying blob " + id + " skipped: already exists");
            case "Preparing" -> stream("Copying blob " + id);
            case "Pull complete", "Pushed" -> stream("Copying blob " + id + " done");
            case "Retrying" -> stream("Copying blob " + id + " retrying");
            default -> {
                if (status.startsWith("Pulling from ")) {
                    stream("Getting image source signatures");
                } else if (status.startsWith("Mounted from ")) {
                    stream("Copying blob " + id + " skipped: mounted from another repository");
                }
            }
        }
    }
}
