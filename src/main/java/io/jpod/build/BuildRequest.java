package io.jpod.build;

import io.jpod.registry.Credentials;
import java.util.List;
import java.util.Map;

/**
 * What a client asks a build for (Docker's {@code POST /build} parameters, libpod's alike).
 *
 * @param dockerfile the Dockerfile's path inside the context; empty for {@code Dockerfile}
 * @param tags names to give the image; none leaves it unnamed
 * @param buildArgs {@code --build-arg} values; a null value takes the builder's environment, which jpod has not
 * @param labels set on the final image
 * @param target the stage to build, empty for the last
 * @param pull always pull the base images, even when present
 * @param remove remove the intermediate containers after a successful step; {@code forceRemove} after a failed one too
 * @param networkMode the RUN steps' network: empty or {@code default} for the default bridge, {@code host}, {@code none},
 *     or a network's name
 * @param platform empty or the host's ({@code linux/amd64}); others are refused
 * @param quiet only the image ID is written
 * @param credentials per registry host, for the base images' pulls
 */
public record BuildRequest(String dockerfile, List<String> tags, Map<String, String> buildArgs,
        Map<String, String> labels, String target, boolean noCache, boolean pull, boolean remove,
        boolean forceRemove, String networkMode, String platform, boolean quiet, Map<String, Credentials> credentials) {

    public BuildRequest {
        dockerfile = dockerfile == null || dockerfile.isEmpty() ? "Dockerfile" : dockerfile;
        tags = tags == null ? List.of() : List.copyOf(tags);
        buildArgs = buildArgs == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(buildArgs));
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        target = target == null ? "" : target;
        networkMode = networkMode == null ? "" : networkMode;
        platform = platform == null ? "" : platform;
        credentials = credentials == null ? Map.of() : Map.copyOf(credentials);
    }
}
