/**
 * The HTTP APIs' shared parts: error mapping (one place), filters, request logging and API versions.
 * Adapters only: every route calls the engine's services.
 */
package io.jpod.api;
