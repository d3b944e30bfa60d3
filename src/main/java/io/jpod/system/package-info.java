/**
 * System-wide facts and operations: info, version, disk usage, prune.
 */
package io.jpod.system;
