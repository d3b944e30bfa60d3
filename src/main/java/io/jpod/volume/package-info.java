/**
 * Named volumes: create, inspect, remove and prune, and which containers use them.
 */
package io.jpod.volume;
