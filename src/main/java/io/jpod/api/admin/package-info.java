/**
 * Admin HTTP endpoints: the effective configuration and lock renumbering.
 */
package io.jpod.api.admin;
