/**
 * What operators see of the daemon: health indicators (runtime, state, storage, binaries, locks) and
 * metrics. The one package that uses Micrometer.
 */
package io.jpod.observability;
