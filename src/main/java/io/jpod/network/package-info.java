/**
 * Container networks: {@link io.jpod.network.NetworkService} (names, subnets, the default network, events)
 * over the {@link io.jpod.network.NetworkBackend} role, implemented with CNI plugins and network namespaces.
 */
package io.jpod.network;
