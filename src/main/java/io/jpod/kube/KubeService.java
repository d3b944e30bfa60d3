package io.jpod.kube;

import io.jpod.container.ContainerService;
import io.jpod.image.ImageStore;
import io.jpod.pod.PodService;
import io.jpod.registry.RegistryService;
import io.jpod.volume.VolumeService;
import java.util.List;

/**
 * Kubernetes YAML: a {@code v1} Pod generated from a pod or a container (its containers, commands,
 * env, ports, volumes), and such YAML played back into a pod, so a pod developed on jpod deploys
 * unchanged to a cluster and back. Played containers are named {@code <pod>-<container>}, as podman does.
 * Generating ({@link KubeGenerator}) and playing ({@link KubePlayer}) share nothing but the YAML
 * helpers, so this class only holds the two together behind one entry point.
 */
public final class KubeService {

    private final KubeGenerator generator;
    private final KubePlayer player;

    public KubeService(ContainerService containers, PodService pods, VolumeService volumes, ImageStore images,
            RegistryService registry) {
        this.generator = new KubeGenerator(containers, pods, new ContainerSpecWriter(volumes, images));
        this.player = new KubePlayer(containers, pods, volumes, registry);
    }

    /** A played pod: its ID, its containers' IDs, and the errors of containers that did not start. */
    public record PlayedPod(String id, List<String> containers, List<String> errors) {}

    public record PlayReport(List<PlayedPod> pods, List<String> volumes) {}

    /** One YAML document per name (a pod, or a container wrapped in a pod of its own name). */
    public String generate(List<String> names) {
        return generator.generate(names);
    }

    /** Creates (and with {@code start}, starts) what the YAML describes; a failure undoes the pod it was making. */
    public PlayReport play(String text, boolean start) {
        return player.play(text, start);
    }

    /** Stops and removes the pods the YAML describes; returns their IDs. */
    public List<String> down(String text) {
        return player.down(text);
    }
}
