package io.jpod.oci;

/** A created container: its init process's host PID and the PID of the conmon that watches it. */
public record Created(int pid, int conmonPid) {}
