/**
 * Containers: create, start, stop, exit handling and restart policies, exec and logs.
 */
package io.jpod.container;
