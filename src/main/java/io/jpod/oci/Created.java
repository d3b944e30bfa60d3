package io.jpod.oci;

/** The created container's init PID and conmon's PID. */
public record Created(int pid, int conmonPid) {}
