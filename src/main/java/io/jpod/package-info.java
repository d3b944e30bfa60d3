/**
 * jpod: podman's libpod runtime as a Spring Boot daemon. Each sub-package owns one feature; the engine's packages
 * know nothing of HTTP, and {@code api}, {@code dashboard} and {@code wiring} sit on top of them.
 */
package io.jpod;
