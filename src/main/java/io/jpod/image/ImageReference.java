package io.jpod.image;

import io.jpod.error.EngineException;
import java.util.regex.Pattern;

/**
 * A normalised image name, {@code registry/repository:tag}: {@code busybox} becomes
 * {@code docker.io/library/busybox:latest}, as podman stores names.
 */
public record ImageReference(String registry, String repository, String tag) {

    public static final String DEFAULT_REGISTRY = "docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("\\w[\\w.-]{0,127}");

    /** Parses and normalises; a malformed name is an {@code INVALID_ARGUMENT}. */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw EngineException.invalidArgument("image name cannot be empty");
        }
        String rest = text;
        int at = rest.indexOf('@');
        if (at >= 0) {
            throw EngineException.invalidArgument("invalid image name \"" + text + "\": digests are not supported here");
        }
        String registry = DEFAULT_REGISTRY;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                // a host[:port] as Docker's grammar has it: "../x" names no registry, and no tag may be made of it
                if (!first.matches("(\\[[0-9a-fA-F:]+]|[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?"
                        + "(\\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*)(:[0-9]+)?")) {
                    throw EngineException.invalidArgument("invalid image name \"" + text + "\": bad registry \""
                            + first + "\"");
                }
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        String tag = "latest";
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw EngineException.invalidArgument("invalid image name \"" + text + "\": bad tag \"" + tag + "\"");
            }
        }
        if (rest.isEmpty()) {
            throw EngineException.invalidArgument("invalid image name \"" + text + "\"");
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw EngineException.invalidArgument("invalid image name \"" + text
                        + "\": repository names must be lowercase letters, digits and separators");
            }
        }
        if (registry.equals(DEFAULT_REGISTRY) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        return new ImageReference(registry, rest, tag);
    }

    /** Whether {@code text} parses as a name (as opposed to an ID or ID prefix). */
    public static boolean isName(String text) {
        try {
            parse(text);
            return true;
        } catch (EngineException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return registry + "/" + repository + ":" + tag;
    }

    /** Docker's short form of a repository digest: {@code busybox@sha256:...} for {@code docker.io/library/busybox@sha256:...}. */
    public static String familiarDigest(String repoDigest) {
        int at = repoDigest.indexOf('@');
        String repo = repoDigest.substring(0, at);
        String prefix = DEFAULT_REGISTRY + "/";
        if (repo.startsWith(prefix)) {
            repo = repo.substring(prefix.length());
            repo = repo.startsWith("library/") ? repo.substring(8) : repo;
        }
        return repo + repoDigest.substring(at);
    }

    /** Docker's short form: {@code busybox:latest} for {@code docker.io/library/busybox:latest}. */
    public String familiar() {
        if (!registry.equals(DEFAULT_REGISTRY)) {
            return toString();
        }
        String repo = repository.startsWith("library/") ? repository.substring(8) : repository;
        return repo + ":" + tag;
    }
}
