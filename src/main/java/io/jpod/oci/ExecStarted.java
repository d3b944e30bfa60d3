package io.jpod.oci;

import java.util.concurrent.CompletableFuture;

/** A started exec process: its host PID, its conmon's PID, and a future completed with its exit code. */
public record ExecStarted(int pid, int conmonPid, CompletableFuture<Integer> exit) {}
