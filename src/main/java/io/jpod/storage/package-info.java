/**
 * Root file systems on disk: layer extraction, overlay and vfs trees, POSIX file attributes.
 */
package io.jpod.storage;
