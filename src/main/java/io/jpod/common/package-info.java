/**
 * Small value types shared by several features (IDs, port mappings). A leaf: it depends on nothing of
 * jpod's but the error types.
 */
package io.jpod.common;
