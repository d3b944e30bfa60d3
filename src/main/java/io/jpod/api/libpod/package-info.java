/**
 * podman's libpod REST API ({@code /libpod/...}, as podman's remote client speaks it): thin adapters over
 * the engine's services with libpod's field names and status codes.
 */
package io.jpod.api.libpod;
