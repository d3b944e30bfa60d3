package io.jpod.registry;

import javax.net.ssl.SSLContext;

/**
 * One place to fetch a repository from: a mirror or the registry itself, as registries.conf says.
 *
 * @param host {@code host[:port]} to connect to ({@code docker.io} is already {@code registry-1.docker.io})
 * @param repository the repository's path on that host (a mirror with a prefix may remap it)
 * @param insecure plain HTTP, or HTTPS without verifying the certificate, are allowed
 * @param tls the trust (system store plus certs.d CAs) and client certificate for this host
 * @param mirror whether this is a mirror (failures fall through to the next endpoint)
 */
public record Endpoint(String host, String repository, boolean insecure, SSLContext tls, boolean mirror) {

    /** This endpoint with TLS verification off and plain HTTP allowed ({@code --tls-verify=false}). */
    public Endpoint insecureCopy() {
        return insecure ? this : new Endpoint(host, repository, true, CertsDirectories.trustingAll(), mirror);
    }
}
