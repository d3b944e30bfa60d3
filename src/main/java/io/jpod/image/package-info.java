/**
 * Images: the {@link io.jpod.image.ImageStore} contract, its file implementation (layers, configs, names),
 * the decorator that publishes image events, and the archives images are saved as ({@code ImageArchives}).
 */
package io.jpod.image;
