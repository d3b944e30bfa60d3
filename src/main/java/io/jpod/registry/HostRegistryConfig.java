package io.jpod.registry;

import io.jpod.error.EngineException;
import io.jpod.image.ImageReference;
import io.jpod.registry.RegistriesConf.Mirror;
import io.jpod.registry.RegistriesConf.PullFrom;
import io.jpod.registry.RegistriesConf.Registry;
import io.jpod.registry.RegistriesConf.ShortNameMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The host's registry configuration: {@code registries.conf} (re-read on each call, so edits apply
 * without a restart), {@code certs.d} and the auth files.
 */
public final class HostRegistryConfig implements RegistryConfig {

    /** Where {@code docker.io} is actually served. */
    public static final String DOCKER_HUB_HOST = "registry-1.docker.io";
    public static final List<Path> DEFAULT_CERTS_DIRS = List.of(Path.of("/etc/containers/certs.d"),
            Path.of("/etc/docker/certs.d"));

    private final Path registriesConf;
    private final CertsDirectories certs;
    private final AuthFiles auth;

    /**
     * @param registriesConf the main file; its {@code registries.conf.d} sits beside it
     * @param certsDirs certs.d roots in order of precedence ({@link #DEFAULT_CERTS_DIRS})
     * @param env the environment the auth files' paths come from
     */
    public HostRegistryConfig(Path registriesConf, List<Path> certsDirs, Map<String, String> env) {
        this.registriesConf = registriesConf;
        this.certs = new CertsDirectories(certsDirs);
        this.auth = new AuthFiles(env);
    }

    public RegistriesConf conf() {
        return RegistriesConf.read(registriesConf);
    }

    @Override
    public List<ImageReference> resolve(String name) {
        if (name == null || name.isEmpty()) {
            throw EngineException.invalidArgument("image name cannot be empty");
        }
        if (RegistriesConf.qualified(name)) {
            return List.of(ImageReference.parse(name));
        }
        ImageReference.parse(name); // a malformed short name is reported as typed, not as a candidate
        RegistriesConf conf = conf();
        String repo = repositoryPart(name);
        String suffix = name.substring(repo.length()); // :tag and/or @digest, carried over
        String alias = conf.aliases().get(repo);
        if (alias != null) {
            return List.of(ImageReference.parse(alias + suffix));
        }
        if (conf.search().isEmpty()) {
            throw EngineException.invalidArgument("short name \"" + name
                    + "\" needs unqualified-search-registries in registries.conf, or a fully qualified name");
        }
        List<ImageReference> candidates = conf.search().stream().map(r -> ImageReference.parse(r + "/" + name))
                .toList();
        if (candidates.size() > 1 && conf.shortNameMode() == ShortNameMode.ENFORCING) {
            throw EngineException.invalidArgument("short name \"" + name + "\" is ambiguous and short-name-mode is "
                    + "enforcing (there is no terminal to ask on): use one of "
                    + candidates.stream().map(ImageReference::toString).collect(Collectors.joining(", "))
                    + ", or add an alias to registries.conf");
        }
        return candidates;
    }

    /** {@code name} without its {@code :tag} and {@code @digest}. */
    static String repositoryPart(String name) {
        String s = name;
        int at = s.indexOf('@');
        if (at >= 0) {
            s = s.substring(0, at);
        }
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            s = s.substring(0, colon);
        }
        return s;
    }

    @Override
    public List<Endpoint> pullEndpoints(ImageReference ref, boolean byDigest) {
        refuseLocal(ref);
        String name = ref.registry() + "/" + ref.repository();
        Registry entry = allowed(conf(), name);
        List<Endpoint> out = new ArrayList<>();
        if (entry == null) {
            out.add(endpoint(name, false, false));
            return out;
        }
        String rest = name.substring(entry.matchLength(name));
        for (Mirror m : entry.mirrors()) {
            PullFrom serves = entry.mirrorByDigestOnly() ? PullFrom.DIGEST_ONLY : m.pullFrom();
            if ((serves == PullFrom.DIGEST_ONLY && !byDigest) || (serves == PullFrom.TAG_ONLY && byDigest)) {
                continue;
            }
            out.add(endpoint(m.location() + rest, m.insecure(), true));
        }
        String location = entry.wildcard() || entry.location().isEmpty() ? name : entry.location() + rest;
        out.add(endpoint(location, entry.insecure(), false));
        return out;
    }

    @Override
    public Endpoint pushEndpoint(ImageReference ref) {
        refuseLocal(ref);
        String name = ref.registry() + "/" + ref.repository();
        Registry entry = allowed(conf(), name);
        // pushes go where the name says: registries.conf's rewriting is for pulls
        return endpoint(name, entry != null && entry.insecure(), false);
    }

    private static void refuseLocal(ImageReference ref) {
        if (ref.registry().equals("localhost")) {
            throw EngineException.notFound(ref + " is a local name: localhost images are never pulled or pushed");
        }
    }

    private static Registry allowed(RegistriesConf conf, String name) {
        Registry entry = conf.find(name);
        if (entry != null && entry.blocked()) {
            throw EngineException.invalidArgument("registry " + (entry.wildcard() ? entry.prefix() : name)
                    + " is blocked in registries.conf (prefix " + entry.prefix() + ")");
        }
        return entry;
    }

    /** {@code location} is {@code host[:port]/repository}; docker.io gets Docker Hub's host and library/. */
    private Endpoint endpoint(String location, boolean insecure, boolean mirror) {
        int slash = location.indexOf('/');
        String host = slash < 0 ? location : location.substring(0, slash);
        String repository = slash < 0 ? "" : location.substring(slash + 1);
        if (host.equals(ImageReference.DEFAULT_REGISTRY)) {
            host = DOCKER_HUB_HOST;
            if (!repository.contains("/")) {
                repository = "library/" + repository;
            }
        }
        return new Endpoint(host, repository, insecure, certs.forHost(host, insecure), mirror);
    }

    @Override
    public Credentials credentials(String registry) {
        return auth.credentials(registry);
    }

    @Override
    public List<String> searchRegistries() {
        return conf().search();
    }

    @Override
    public List<String> insecureRegistries() {
        return conf().insecure();
    }
}
