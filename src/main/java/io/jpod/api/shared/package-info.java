/**
 * Routes the Docker and libpod APIs share with the same meaning: one handler maps both paths, so
 * only the real differences (field names, status codes, parameters) stay in the two adapters.
 */
package io.jpod.api.shared;
