/**
 * The libpod boot path: effective configuration, binary discovery, state and lock start-up, refresh after a
 * reboot, the alive lock and shutdown. It records new containers and pods (names, locks) for the services.
 */
package io.jpod.runtime;
