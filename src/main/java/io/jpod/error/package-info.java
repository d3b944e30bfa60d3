/** The engine's single exception hierarchy; a leaf package every other package may use. */
package io.jpod.error;
