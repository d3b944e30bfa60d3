/**
 * Container networks: CNI network configs, the plugins that attach a namespace to them, port publishing
 * and network namespaces.
 */
package io.jpod.network;
