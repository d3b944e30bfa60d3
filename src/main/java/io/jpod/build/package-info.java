/**
 * Image builds (the classic, non-BuildKit {@code docker build}): the Dockerfile parser, Docker's shell-word
 * expansion, .dockerignore rules, the uploaded build context, and what COPY/ADD stage into a layer. Everything
 * here works without a container; the executor that runs the stages builds on it.
 */
package io.jpod.build;
