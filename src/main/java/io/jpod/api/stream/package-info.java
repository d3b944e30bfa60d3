/**
 * Streams that outlive one request/response exchange: attach, logs, exec and their multiplexed frames.
 */
package io.jpod.api.stream;
