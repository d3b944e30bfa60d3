/**
 * Wire records that the Docker and libpod APIs share (mounts, network settings, top, create answers):
 * typed JSON shapes built from the engine's stored containers, no HTTP.
 */
package io.jpod.api.wire;
