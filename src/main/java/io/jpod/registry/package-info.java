/**
 * Registries: pulling and pushing images over the OCI distribution API (Docker Registry HTTP API
 * v2), with registries.conf, certs.d TLS and credentials as the containers tools read them.
 * Knows nothing of HTTP servers: the API layers adapt its progress to their streams.
 */
package io.jpod.registry;
