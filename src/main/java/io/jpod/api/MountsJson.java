package io.jpod.api;

import io.jpod.state.ContainerConfig.Mount;
import io.jpod.state.StoredContainer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A container's mounts as both APIs' inspect shows them. */
public final class MountsJson {

    private MountsJson() {}

    /** The {@code Mounts} of inspect (Docker's and podman's shape); {@code hostSource} resolves volume names to paths. */
    public static List<Map<String, Object>> of(StoredContainer c, java.util.function.Function<Mount, String> hostSource) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (c.config().run() == null) {
            return out;
        }
        for (Mount m : c.config().run().mounts()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("Type", m.type());
            if (m.type().equals("volume")) {
                e.put("Name", m.source());
                e.put("Driver", "local");
            }
            e.put("Source", m.type().equals("tmpfs") ? "" : hostSource.apply(m));
            e.put("Destination", m.destination());
            e.put("Mode", String.join(",", m.options()));
            e.put("RW", !m.readOnly());
            e.put("Propagation", m.options().stream().filter(o -> o.matches("r?(shared|slave|private)")).findFirst()
                    .orElse(m.type().equals("tmpfs") ? "" : "rprivate"));
            out.add(e);
        }
        return out;
    }

}
