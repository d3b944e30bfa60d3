/**
 * The engine's event stream (what happened to containers, pods, images, volumes, networks) and the timing
 * of operations.
 */
package io.jpod.events;
