package io.jpod.registry;

import io.jpod.error.EngineException;
import io.jpod.error.NoSuchObjectException;
import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import io.jpod.image.Image;
import io.jpod.image.ImageReference;
import io.jpod.image.ImageStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Images to and from registries: pull (with the pull policies of the libpod API), push, login
 * checks and search. Names resolve through the host's registries.conf; credentials come from the
 * caller (the API's {@code X-Registry-Auth}) or else the host's auth files.
 */
public final class RegistryService {

    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

    /** The libpod pull policies. */
    public enum PullPolicy {
        ALWAYS, MISSING, NEVER, NEWER;

        public static PullPolicy parse(String text) {
            if (text == null || text.isBlank()) {
                return MISSING;
            }
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "always" -> ALWAYS;
                case "missing", "ifmissing", "if-missing" -> MISSING;
                case "never" -> NEVER;
                case "newer", "ifnewer", "if-newer" -> NEWER;
                default -> throw EngineException.invalidArgument("unknown pull policy \"" + text
                        + "\": use always, missing, never or newer");
            };
        }
    }

    /** One result of a search. */
    public record SearchResult(String name, String description, int stars, boolean official, boolean automated,
            String index) {}

    private final ImageStore store;
    private final RegistryConfig config;
    private final JsonMapper json;
    private final EventBus events;
    private final OperationObserver observer;
    private final Puller puller;
    private final Pusher pusher;

    public RegistryService(ImageStore store, RegistryConfig config, JsonMapper json, EventBus events,
            OperationObserver observer, TransferObserver transfers, Duration stallTimeout) {
        this.store = store;
        this.config = config;
        this.json = json;
        this.events = events;
        this.observer = observer;
        this.puller = new Puller(store, new SharedDownloads(store, transfers, stallTimeout), transfers, json);
        this.pusher = new Pusher(store, transfers, json);
    }

    public RegistryConfig config() {
        return config;
    }

    /**
     * Pulls {@code name} ({@code busybox}, {@code host:5000/app:1}, {@code app@sha256:...}) for
     * {@code platform}, trying each candidate the short-name rules give and each mirror before the
     * registry. {@code credentials} (may be {@link Credentials#NONE}) win over the auth files.
     */
    public Image pull(String name, Platform platform, Credentials credentials, ProgressListener listener) {
        return pull(name, platform, credentials, true, listener);
    }

    /** As above; {@code tlsVerify=false} allows plain HTTP and any certificate for this pull ({@code --tls-verify=false}). */
    public Image pull(String name, Platform platform, Credentials credentials, boolean tlsVerify,
            ProgressListener listener) {
        PullProgress progress = new PullProgress(listener);
        String digest = null;
        String base = name;
        int at = name.indexOf('@');
        if (at >= 0) {
            digest = name.substring(at + 1);
            base = name.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw EngineException.invalidArgument("invalid digest \"" + digest + "\" in " + name
                        + ": expected sha256:<64 hex digits>");
            }
        }
        List<ImageReference> candidates = config.resolve(base);
        String wanted = digest;
        return observer.time("pull", () -> {
            EngineException notFound = null;
            for (ImageReference ref : candidates) {
                Credentials creds = credentials != null && !credentials.isEmpty() ? credentials
                        : config.credentials(ref.registry());
                List<Endpoint> endpoints = config.pullEndpoints(ref, wanted != null).stream()
                        .map(e -> tlsVerify ? e : e.insecureCopy()).toList();
                for (Endpoint ep : endpoints) {
                    RegistrySession session = new RegistrySession(ep, creds,
                            List.of("repository:" + ep.repository() + ":pull"), json);
                    try {
                        Puller.Pulled p = puller.pull(session, ref, wanted, platform, progress);
                        String shown = wanted != null ? ref.familiar().replaceFirst(":[^:/]*$", "") + "@" + wanted
                                : ref.familiar();
                        progress.message("Digest: " + p.digest());
                        progress.message("Status: " + (p.fresh() ? "Downloaded newer image for "
                                : "Image is up to date for ") + shown);
                        events.publish("image", "pull", p.image().id(), wanted != null ? ref.registry() + "/"
                                + ref.repository() + "@" + wanted : ref.toString(), Map.of());
                        return p.image();
                    } catch (EngineException e) {
                        if (e.category() == EngineException.Category.NOT_FOUND) {
                            notFound = notFound == null ? e : notFound;
                            continue;
                        }
                        if (ep.mirror() && e.category() == EngineException.Category.REMOTE_FAILURE) {
                            continue; // the next mirror, or the registry itself
                        }
                        throw e;
                    } catch (IOException e) {
                        if (progress.cancelled() || Thread.currentThread().isInterrupted()) {
                            throw EngineException.invalidState("pull of " + name + " cancelled");
                        }
                        if (ep.mirror()) {
                            continue;
                        }
                        throw EngineException.remoteFailure("pulling " + ref + " from " + ep.host() + ": "
                                + RegistrySession.describe(e, ep.host()), e);
                    }
                }
            }
            throw notFound != null ? notFound : EngineException.notFound("no registry to pull " + name + " from");
        });
    }

    /** Every tag of a repository ({@code docker pull -a}), as {@code name:tag} names. */
    public List<String> tags(String repository, Credentials credentials) {
        List<ImageReference> candidates = config.resolve(repository);
        ImageReference ref = candidates.get(0);
        Credentials creds = credentials != null && !credentials.isEmpty() ? credentials : config.credentials(ref.registry());
        List<Endpoint> endpoints = config.pullEndpoints(ref, false);
        Endpoint ep = endpoints.get(endpoints.size() - 1); // the registry itself: mirrors may lack tags
        RegistrySession session = new RegistrySession(ep, creds, List.of("repository:" + ep.repository() + ":pull"), json);
        try {
            HttpResponse<String> r = session.send("/v2/" + ep.repository() + "/tags/list", b -> b.GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw session.failure(r.statusCode(), r.body(), "listing the tags of " + ref.registry() + "/"
                        + ref.repository());
            }
            List<String> out = new ArrayList<>();
            json.readTree(r.body()).path("tags").values().forEach(t -> out.add(ref.registry() + "/"
                    + ref.repository() + ":" + t.asString()));
            return out;
        } catch (IOException e) {
            throw EngineException.remoteFailure("listing the tags of " + repository + ": " + e.getMessage(), e);
        }
    }

    /**
     * The image for a create, run or play: local or pulled as {@code policy} says. {@code newer}
     * asks the registry and keeps the local image when the registry cannot be reached.
     */
    public Image ensure(String name, PullPolicy policy, Platform platform, Credentials credentials,
            ProgressListener listener) {
        return ensure(name, policy, platform, credentials, true, listener);
    }

    public Image ensure(String name, PullPolicy policy, Platform platform, Credentials credentials, boolean tlsVerify,
            ProgressListener listener) {
        Image local = null;
        try {
            local = store.lookup(name);
        } catch (NoSuchObjectException absent) {
            // pulled below, if the policy allows
        } catch (EngineException e) {
            if (e.category() != EngineException.Category.NOT_FOUND) {
                throw e;
            }
        }
        return switch (policy) {
            case NEVER -> {
                if (local == null) {
                    throw EngineException.notFound(name + ": image not known, and the pull policy is never");
                }
                yield local;
            }
            case MISSING -> local != null ? local : pull(name, platform, credentials, tlsVerify, listener);
            case ALWAYS -> pull(name, platform, credentials, tlsVerify, listener);
            case NEWER -> {
                if (local == null) {
                    yield pull(name, platform, credentials, tlsVerify, listener);
                }
                try {
                    yield pull(name, platform, credentials, tlsVerify, listener);
                } catch (EngineException e) {
                    // the registry could not say (unreachable, no registry for a short name, not there):
                    // the local image stands; refused credentials are still an error
                    if (e.category() == EngineException.Category.UNAUTHENTICATED) {
                        throw e;
                    }
                    yield local;
                }
            }
        };
    }

    /** Pushes local image {@code source} as {@code destination} (default: the source's name). */
    public PushResult push(String source, String destination, Credentials credentials, ProgressListener listener) {
        return push(source, destination, credentials, true, "", listener);
    }

    public PushResult push(String source, String destination, Credentials credentials, boolean tlsVerify,
            ProgressListener listener) {
        return push(source, destination, credentials, tlsVerify, "", listener);
    }

    /**
     * As above, in manifest {@code format} {@code v2s2} (the default, as Docker pushes) or {@code oci};
     * {@code v2s1} is refused (schema 1 is deprecated).
     */
    public PushResult push(String source, String destination, Credentials credentials, boolean tlsVerify,
            String format, ProgressListener listener) {
        boolean oci = switch (format == null ? "" : format.strip().toLowerCase(Locale.ROOT)) {
            case "", "v2s2", "docker" -> false;
            case "oci" -> true;
            default -> throw EngineException.invalidArgument("manifest format \"" + format
                    + "\" is not supported: use v2s2 or oci");
        };
        Image img = store.lookup(source);
        String target = destination == null || destination.isBlank() ? source : destination;
        if (target.contains("@")) {
            throw EngineException.invalidArgument("cannot push to a digest (" + target + "): give a tag");
        }
        ImageReference dest = ImageReference.parse(target);
        Credentials creds = credentials != null && !credentials.isEmpty() ? credentials
                : config.credentials(dest.registry());
        Endpoint ep = tlsVerify ? config.pushEndpoint(dest) : config.pushEndpoint(dest).insecureCopy();
        List<String> scopes = new ArrayList<>();
        scopes.add("repository:" + ep.repository() + ":pull,push");
        Pusher.mountSources(img, dest).forEach(s -> scopes.add("repository:" + s + ":pull"));
        PullProgress progress = new PullProgress(listener);
        progress.message("The push refers to repository [" + dest.familiar().replaceFirst(":[^:/]*$", "") + "]");
        return observer.time("push", () -> {
            try {
                PushResult p = pusher.push(new RegistrySession(ep, creds, scopes, json), img, dest, oci, progress);
                progress.message(p.tag() + ": digest: " + p.digest() + " size: " + p.size());
                events.publish("image", "push", img.id(), dest.toString(), Map.of());
                return p;
            } catch (IOException e) {
                throw EngineException.remoteFailure("pushing " + dest + " to " + ep.host() + ": "
                        + RegistrySession.describe(e, ep.host()), e);
            } catch (UncheckedIOException e) {
                throw EngineException.internal("reading a layer of " + source + ": " + e.getMessage(), e);
            }
        });
    }

    /** Checks credentials against a registry ({@code docker login}); a refusal is {@code UNAUTHENTICATED}. */
    public void login(String server, Credentials credentials) {
        String host = registryHost(server);
        ImageReference probe = ImageReference.parse(host + "/jpod-login-check");
        Endpoint ep = config.pushEndpoint(probe);
        try {
            new RegistrySession(ep, credentials, List.of(), json).ping();
        } catch (IOException e) {
            throw EngineException.remoteFailure("logging in to " + host + ": " + RegistrySession.describe(e, host), e);
        }
    }

    /** {@code https://index.docker.io/v1/} and the like to {@code host[:port]}. */
    static String registryHost(String server) {
        if (server == null || server.isBlank()) {
            return ImageReference.DEFAULT_REGISTRY;
        }
        String s = server.strip().replaceFirst("^https?://", "");
        int slash = s.indexOf('/');
        s = slash >= 0 ? s.substring(0, slash) : s;
        return s.equals("index.docker.io") || s.equals("registry-1.docker.io") ? ImageReference.DEFAULT_REGISTRY : s;
    }

    /**
     * Searches {@code term} ({@code busybox}, or {@code host:5000/busy} for one registry) on the
     * registries that offer the v1 search endpoint; a registry that does not is a clear error.
     */
    public List<SearchResult> search(String term, int limit, Credentials credentials, List<String> defaultRegistries) {
        if (term == null || term.isBlank()) {
            throw EngineException.invalidArgument("search term cannot be empty");
        }
        String q = term.strip();
        List<String> registries;
        int slash = q.indexOf('/');
        if (slash > 0 && (q.substring(0, slash).contains(".") || q.substring(0, slash).contains(":")
                || q.startsWith("localhost/"))) {
            registries = List.of(q.substring(0, slash));
            q = q.substring(slash + 1);
        } else {
            registries = defaultRegistries.isEmpty() ? config.searchRegistries() : defaultRegistries;
        }
        if (registries.isEmpty()) {
            throw EngineException.invalidArgument("no registry to search: name one (host/term) or set "
                    + "unqualified-search-registries in registries.conf");
        }
        List<SearchResult> out = new ArrayList<>();
        for (String registry : registries) {
            Endpoint ep = config.pushEndpoint(ImageReference.parse(registry + "/search"));
            Credentials creds = credentials != null && !credentials.isEmpty() ? credentials : config.credentials(registry);
            RegistrySession session = new RegistrySession(ep, creds, List.of(), json);
            String path = "/v1/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&n=" + Math.max(1, limit);
            try {
                HttpResponse<String> r = session.send(path, b -> b.GET().build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 404 || r.statusCode() == 405) {
                    throw EngineException.invalidArgument("registry " + registry + " does not offer search "
                            + "(its /v1/search answered " + r.statusCode() + ")");
                }
                if (r.statusCode() != 200) {
                    throw session.failure(r.statusCode(), r.body(), "searching " + registry);
                }
                for (JsonNode n : json.readTree(r.body()).path("results").values()) {
                    String name = n.path("name").asString("");
                    out.add(new SearchResult(registry.equals(ImageReference.DEFAULT_REGISTRY) ? name : registry + "/" + name,
                            n.path("description").asString(""), n.path("star_count").asInt(0),
                            n.path("is_official").asBoolean(false), n.path("is_automated").asBoolean(false), registry));
                }
            } catch (IOException e) {
                throw EngineException.remoteFailure("searching " + registry + ": " + RegistrySession.describe(e, registry), e);
            } catch (tools.jackson.core.JacksonException e) {
                throw EngineException.remoteFailure("searching " + registry + ": the answer is not JSON", e);
            }
        }
        return limit > 0 && out.size() > limit ? out.subList(0, limit) : out;
    }
}
