/**
 * Spring wiring of the engine: builds each service from its parts. Logic lives in the feature packages,
 * which never depend on this one.
 */
package io.jpod.wiring;
