/**
 * Kubernetes YAML: generate a v1 Pod from a pod or container and play one back.
 */
package io.jpod.kube;
