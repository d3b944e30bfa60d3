/**
 * The libpod.conf hierarchy: files, environment and built-in defaults, bound into {@link
 * io.jpod.config.RuntimeConfig} with each value's origin; bad files fail start-up with the file and line.
 */
package io.jpod.config;
