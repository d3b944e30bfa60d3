package io.jpod.registry;

import io.jpod.image.ImageReference;
import java.util.List;

/**
 * What a host's containers configuration says about registries: {@code registries.conf} (v2, with
 * {@code registries.conf.d}), {@code certs.d} and the credential files clients keep.
 */
public interface RegistryConfig {

    /**
     * The fully qualified names to try for a name as typed, in order: one for a qualified name, the
     * alias for a short name that has one, otherwise one per unqualified-search registry. A short
     * name with nowhere to search is an {@code INVALID_ARGUMENT} saying so.
     */
    List<ImageReference> resolve(String name);

    /**
     * Where to pull {@code ref} from, in order: the mirrors of the registries.conf entry with the
     * longest matching prefix (skipping those that serve only digests when {@code byDigest} is
     * false, or only tags when it is true; mirror-by-digest-only makes them all digest-only), then
     * the entry's location with the prefix remapped; never empty. A blocked registry is an
     * {@code INVALID_ARGUMENT} naming it; {@code localhost/...} names never leave the machine
     * ({@code NOT_FOUND}).
     */
    List<Endpoint> pullEndpoints(ImageReference ref, boolean byDigest);

    /**
     * Where to push {@code ref}: the registry its name says (never a mirror, no prefix remapping),
     * insecure when its entry says so; blocked and localhost as above.
     */
    Endpoint pushEndpoint(ImageReference ref);

    /**
     * Credentials the auth files hold for {@code registry} ({@code host[:port]}; {@code docker.io}
     * and {@code registry-1.docker.io} are the same), or {@link Credentials#NONE}. A file handing the
     * registry to a credential helper is an {@code INVALID_ARGUMENT}.
     */
    Credentials credentials(String registry);

    /** The unqualified-search registries, for {@code info}. */
    List<String> searchRegistries();

    /** Registries marked insecure, for {@code info}. */
    List<String> insecureRegistries();
}
