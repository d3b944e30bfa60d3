/**
 * Live resource usage of containers: a reader of their cgroups (v1 or v2) and network namespaces,
 * and a sampler every viewer shares. The HTTP APIs and the dashboard only format its samples.
 */
package io.jpod.stats;
