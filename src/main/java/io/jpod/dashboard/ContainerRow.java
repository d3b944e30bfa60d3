package io.jpod.dashboard;

import io.jpod.container.StatusText;
import io.jpod.image.ImageReference;
import io.jpod.common.PortMapping;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** A container as a table row shows it. */
public record ContainerRow(String id, String shortId, String name, String image, String command, String state,
        String status, String ports, String podId, String podName, boolean infra) {

    static ContainerRow of(StoredContainer c, Map<String, String> podNames, Instant now) {
        var run = c.config().run();
        List<String> args = run != null ? run.args() : c.config().command();
        List<PortMapping> ports = run != null ? run.ports() : List.of();
        String podId = c.config().podId();
        return new ContainerRow(c.id(), c.id().substring(0, 12), c.name(), familiar(c.config().rootfsImageName()),
                String.join(" ", args), StatusText.word(c.state().status()), StatusText.of(c, now),
                ports.stream().map(ContainerRow::port).collect(Collectors.joining(", ")), podId,
                podId == null ? "" : podNames.getOrDefault(podId, podId.substring(0, 12)), c.config().infra());
    }

    /** {@code busybox:latest} rather than {@code docker.io/library/busybox:latest}, as {@code docker ps} shows it. */
    static String familiar(String image) {
        try {
            return ImageReference.parse(image).familiar();
        } catch (RuntimeException e) {
            return image == null ? "" : image;
        }
    }

    private static String port(PortMapping p) {
        return (p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp()) + ":" + p.hostPort() + "->" + p.containerPort() + "/"
                + p.protocol();
    }

    /** Whether a search term matches any of the columns a person would look at. */
    public boolean matches(String q) {
        if (q == null || q.isBlank()) {
            return true;
        }
        String t = q.toLowerCase(Locale.ROOT).trim();
        return (id + " " + name + " " + image + " " + command + " " + status + " " + ports + " " + podName)
                .toLowerCase(Locale.ROOT).contains(t);
    }

    public boolean running() {
        return state.equals("running");
    }

    public boolean paused() {
        return state.equals("paused");
    }
}
