/**
 * Images: the {@link io.jpod.image.ImageStore} contract, its file implementation (layers, configs, names)
 * and the decorator that publishes image events.
 */
package io.jpod.image;
