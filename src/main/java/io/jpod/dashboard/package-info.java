/**
 * The web dashboard: server-rendered pages (Thymeleaf) over the engine's services, with a small
 * script for live updates, log streaming, upload progress and the progress of pulls and pushes
 * (background jobs, {@code Transfers}). Every page works without the script.
 * An adapter like the HTTP APIs: it holds no engine logic.
 */
package io.jpod.dashboard;
