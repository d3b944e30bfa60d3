/**
 * The web dashboard: server-rendered pages (Thymeleaf) over the engine's services, with a small
 * script for live updates, log streaming, upload progress, the progress of pulls and pushes and
 * the live log of image builds (background jobs, {@code Transfers} and {@code Builds}). Every page
 * works without the script.
 * An adapter like the HTTP APIs: it holds no engine logic.
 */
package io.jpod.dashboard;
