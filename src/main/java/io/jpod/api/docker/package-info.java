/**
 * Docker's Engine API (as the docker CLI, docker-compose and Testcontainers speak it): thin adapters
 * over the engine's services with Docker's field names and status codes.
 */
package io.jpod.api.docker;
