package io.jpod.kube;

import static io.jpod.kube.KubeYaml.list;
import static io.jpod.kube.KubeYaml.map;
import static io.jpod.kube.KubeYaml.str;

import io.jpod.container.ContainerService;
import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.registry.RegistryService;
import io.jpod.kube.KubeService.PlayReport;
import io.jpod.kube.KubeService.PlayedPod;
import io.jpod.pod.PodService;
import io.jpod.volume.VolumeService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plays Kubernetes YAML back into pods, containers and volumes, and takes such pods down again. */
final class KubePlayer {

    private final ContainerService containers;
    private final PodService pods;
    private final VolumeService volumes;
    private final RegistryService images;

    KubePlayer(ContainerService containers, PodService pods, VolumeService volumes, RegistryService images) {
        this.containers = containers;
        this.pods = pods;
        this.volumes = volumes;
        this.images = images;
    }

    PlayReport play(String text, boolean start) {
        List<PlayedPod> played = new ArrayList<>();
        List<String> madeVolumes = new ArrayList<>();
        for (Map<String, Object> doc : checkedKinds(KubeYaml.documents(text))) {
            String kind = str(doc.get("kind"), "");
            switch (kind) {
                case "Pod" -> played.add(playPod(map(doc.get("metadata")), map(doc.get("spec")), start, madeVolumes));
                case "Deployment" -> {
                    // a Deployment plays as one pod of its template, named as podman names it
                    Map<String, Object> template = map(map(doc.get("spec")).get("template"));
                    Map<String, Object> meta = new LinkedHashMap<>(map(template.get("metadata")));
                    meta.put("name", str(map(doc.get("metadata")).get("name"), "") + "-pod");
                    played.add(playPod(meta, map(template.get("spec")), start, madeVolumes));
                }
                case "PersistentVolumeClaim" -> {
                    String name = str(map(doc.get("metadata")).get("name"), "");
                    if (!volumes.exists(name)) {
                        volumes.create(name, "local", Map.of(), Map.of(), false);
                        madeVolumes.add(name);
                    }
                }
                default -> throw EngineException.invalidArgument("Kubernetes kind \"" + kind + "\" is not supported: "
                        + "use Pod, Deployment or PersistentVolumeClaim");
            }
        }
        return new PlayReport(played, madeVolumes);
    }

    private PlayedPod playPod(Map<String, Object> meta, Map<String, Object> spec, boolean start,
            List<String> madeVolumes) {
        String podName = str(meta.get("name"), "");
        if (podName.isEmpty()) {
            throw EngineException.invalidArgument("the pod has no metadata.name");
        }
        Map<String, String> labels = new LinkedHashMap<>();
        map(meta.get("labels")).forEach((k, v) -> labels.put(k, String.valueOf(v)));
        PodSpecReader reader = new PodSpecReader(images, volumes, podName, volumeSources(spec));
        List<Object> ctrSpecs = list(spec.get("containers"));
        if (ctrSpecs.isEmpty()) {
            throw EngineException.invalidArgument("pod " + podName + " has no containers");
        }
        List<CreateRequest> requests = new ArrayList<>();
        for (Object o : ctrSpecs) {
            requests.add(reader.read(map(o)));
        }
        PodService.View pod = pods.create(new PodService.CreateRequest(podName, labels, null, true, null, null,
                reader.ports()));
        List<String> ids = createMembers(pod.pod().id(), requests, reader.newClaims());
        madeVolumes.addAll(reader.newClaims());
        List<String> errors = new ArrayList<>();
        if (start) {
            pods.start(pod.pod().id()).errors().forEach((id, why) -> errors.add("starting container " + id + ": "
                    + why));
        }
        return new PlayedPod(pod.pod().id(), ids, errors);
    }

    private static Map<String, Map<String, Object>> volumeSources(Map<String, Object> spec) {
        Map<String, Map<String, Object>> sources = new LinkedHashMap<>();
        for (Object v : list(spec.get("volumes"))) {
            Map<String, Object> vol = map(v);
            sources.put(str(vol.get("name"), ""), vol);
        }
        return sources;
    }

    /** Creates the pod's containers; a failure removes the pod and the claims its containers made. */
    private List<String> createMembers(String podId, List<CreateRequest> requests, List<String> newClaims) {
        List<String> ids = new ArrayList<>();
        try {
            for (CreateRequest r : requests) {
                ids.add(containers.create(r.inPod(podId)).id());
            }
        } catch (RuntimeException e) {
            pods.remove(podId, true);
            for (String v : newClaims) {
                if (volumes.exists(v)) {
                    volumes.delete(v);
                }
            }
            throw e;
        }
        return ids;
    }

    /** Every document's kind is one this player knows, checked before the first changes anything. */
    private static List<Map<String, Object>> checkedKinds(List<Map<String, Object>> docs) {
        for (Map<String, Object> doc : docs) {
            String kind = str(doc.get("kind"), "");
            if (!List.of("Pod", "Deployment", "PersistentVolumeClaim").contains(kind)) {
                throw EngineException.invalidArgument("Kubernetes kind \"" + kind + "\" is not supported: "
                        + "use Pod, Deployment or PersistentVolumeClaim");
            }
        }
        return docs;
    }

    /** Stops and removes the pods the YAML describes; returns their IDs. */
    List<String> down(String text) {
        List<String> removed = new ArrayList<>();
        for (Map<String, Object> doc : checkedKinds(KubeYaml.documents(text))) {
            String kind = str(doc.get("kind"), "");
            String name = str(map(doc.get("metadata")).get("name"), "");
            String podName = kind.equals("Deployment") ? name + "-pod" : kind.equals("Pod") ? name : null;
            if (podName == null) {
                continue;
            }
            String id = pods.inspect(podName).pod().id();
            pods.remove(id, true);
            removed.add(id);
        }
        return removed;
    }
}
