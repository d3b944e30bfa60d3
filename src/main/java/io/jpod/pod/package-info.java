/**
 * Pods: groups of containers sharing an infra container's namespaces, with the pod lock taken before its
 * containers' locks.
 */
package io.jpod.pod;
