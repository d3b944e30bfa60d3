/**
 * Facts about the host: binaries and their versions, cgroups, processes run as child commands.
 */
package io.jpod.host;
