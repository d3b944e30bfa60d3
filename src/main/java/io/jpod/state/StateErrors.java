package io.jpod.state;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import java.util.List;
import java.util.function.Function;

/** Lookup and validation rules both state implementations share, with libpod's messages. */
final class StateErrors {

    private StateErrors() {}

    static void requireNonEmpty(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            throw EngineException.invalidArgument("name or ID cannot be empty");
        }
    }

    static EngineException closed() {
        return new EngineException(EngineException.Category.UNAVAILABLE, "database connection already closed");
    }

    static NoSuchObjectException noSuchContainer(String id) {
        return new NoSuchObjectException("no container with ID " + id + " found in database: no such container");
    }

    static NoSuchObjectException noSuchPod(String id) {
        return new NoSuchObjectException("no pod with ID " + id + " found in database: no such pod");
    }

    static NoSuchObjectException noSuchExec(String id) {
        return new NoSuchObjectException("no exec session with ID " + id + " found: no such exec session");
    }

    static NoSuchObjectException noSuchVolume(String name) {
        return new NoSuchObjectException("no volume with name \"" + name + "\" found: no such volume");
    }

    /** The named volumes a container mounts: they must exist while it does. */
    static java.util.List<String> volumesOf(ContainerConfig c) {
        return c.run() == null ? java.util.List.of() : c.run().mounts().stream()
                .filter(m -> m.type().equals("volume") && !m.source().isEmpty()).map(ContainerConfig.Mount::source)
                .toList();
    }

    /** Removing a volume some container mounts (a create racing the removal): a conflict, as podman's. */
    static EngineException volumeInUse(String name, java.util.List<String> users) {
        return EngineException.alreadyExists("volume " + name + " is being used by the following container(s): "
                + String.join(", ", users) + ": volume is being used");
    }

    static EngineException nameInUse(String name, String kind) {
        return EngineException.alreadyExists("name \"" + name + "\" is in use: " + kind + " already exists");
    }

    static EngineException idInUse(String id) {
        return EngineException.alreadyExists("ID \"" + id + "\" is in use: container or pod already exists");
    }

    static NoSuchObjectException otherNamespace(String kind, String id, String theirs, String ours) {
        return new NoSuchObjectException("cannot retrieve " + kind + " " + id + " as it is part of namespace \""
                + theirs + "\" and we are in namespace \"" + ours + "\": target is in a different namespace");
    }

    /**
     * libpod's SQLite lookup rule over the visible objects: an exact name wins at once; otherwise a
     * single ID-prefix match; none is not-found, several are ambiguous.
     */
    static <T> T resolve(String kind, String query, List<T> visible, Function<T, String> name,
            Function<T, String> id) {
        requireNonEmpty(query);
        T match = null;
        int matches = 0;
        for (T candidate : visible) {
            if (query.equals(name.apply(candidate))) {
                return candidate;
            }
            if (id.apply(candidate).startsWith(query)) {
                match = candidate;
                matches++;
            }
        }
        if (matches == 0) {
            throw notFound(kind, query);
        }
        if (matches > 1) {
            throw EngineException.invalidArgument("more than one result for " + kind + " \"" + query
                    + "\": the ID prefix is ambiguous, give more characters of the ID");
        }
        return match;
    }

    private static NoSuchObjectException notFound(String kind, String query) {
        return new NoSuchObjectException("no " + kind + " with name or ID \"" + query + "\" found: no such " + kind);
    }

    static boolean visible(String stateNamespace, String objectNamespace) {
        return stateNamespace.isEmpty() || stateNamespace.equals(objectNamespace);
    }

    static <T> List<T> visibleOnly(List<T> all, String ns, Function<T, String> namespaceOf) {
        return all.stream().filter(t -> visible(ns, namespaceOf.apply(t))).toList();
    }
}
