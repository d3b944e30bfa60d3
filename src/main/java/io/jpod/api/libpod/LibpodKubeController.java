package io.jpod.api.libpod;

import io.jpod.error.EngineException;
import io.jpod.kube.KubeService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** libpod's Kubernetes endpoints: generate ({@code podman generate kube}), play and down ({@code podman play kube}). */
@RestController
class LibpodKubeController {

    private static final MediaType YAML = MediaType.parseMediaType("application/x-yaml");

    private final KubeService kube;

    LibpodKubeController(KubeService kube) {
        this.kube = kube;
    }

    @GetMapping({"/libpod/generate/kube", "/libpod/kube/generate"})
    ResponseEntity<String> generate(@RequestParam(required = false) List<String> names,
            @RequestParam(defaultValue = "false") boolean service) {
        if (service) {
            throw EngineException.invalidArgument("generating Kubernetes services is not supported yet");
        }
        return ResponseEntity.ok().contentType(YAML).body(kube.generate(names));
    }

    @PostMapping({"/libpod/play/kube", "/libpod/kube/play"})
    Map<String, Object> play(@RequestBody(required = false) byte[] body,
            @RequestParam(defaultValue = "true") boolean start) {
        KubeService.PlayReport r = kube.play(text(body), start);
        List<Map<String, Object>> pods = new ArrayList<>();
        for (KubeService.PlayedPod p : r.pods()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ID", p.id());
            m.put("Containers", p.containers());
            m.put("InitContainers", null);
            m.put("Logs", null);
            m.put("ContainerErrors", p.errors().isEmpty() ? null : p.errors());
            pods.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Pods", pods);
        out.put("Volumes", r.volumes().isEmpty() ? null : r.volumes().stream().map(v -> Map.of("Name", v)).toList());
        out.put("StopReport", null);
        out.put("RmReport", null);
        out.put("Secrets", null);
        return out;
    }

    @RequestMapping(path = {"/libpod/play/kube", "/libpod/kube/play"}, method = RequestMethod.DELETE)
    Map<String, Object> down(@RequestBody(required = false) byte[] body) {
        List<String> removed = kube.down(text(body));
        List<Map<String, Object>> stop = new ArrayList<>();
        List<Map<String, Object>> rm = new ArrayList<>();
        for (String id : removed) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("Errs", null);
            s.put("Id", id);
            stop.add(s);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("Err", null);
            r.put("Id", id);
            rm.add(r);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Pods", null);
        out.put("Volumes", null);
        out.put("StopReport", stop);
        out.put("RmReport", rm);
        out.put("Secrets", null);
        return out;
    }

    private static String text(byte[] body) {
        if (body == null || body.length == 0) {
            throw EngineException.invalidArgument("send the Kubernetes YAML as the request body");
        }
        return new String(body, StandardCharsets.UTF_8);
    }
}
