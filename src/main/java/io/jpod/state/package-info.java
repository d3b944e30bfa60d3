/**
 * The engine's persistent state: the {@link io.jpod.state.State} contract, its SQLite (JPA, Flyway) and
 * in-memory implementations, and the stored records of containers, pods, volumes and exec sessions.
 */
package io.jpod.state;
