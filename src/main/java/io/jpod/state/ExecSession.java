package io.jpod.state;

import java.time.Instant;
import java.util.List;

/**
 * A process run in a container beside its main one ({@code exec}).
 *
 * @param status {@code created}, {@code running} or {@code exited}
 * @param exitCode meaningful once exited
 */
public record ExecSession(String id, String containerId, List<String> args, List<String> env, String user,
        String workingDir, boolean tty, boolean stdin, Instant created, String status, int pid, int exitCode) {

    public ExecSession {
        args = args == null ? List.of() : List.copyOf(args);
        env = env == null ? List.of() : List.copyOf(env);
        user = user == null ? "" : user;
        workingDir = workingDir == null ? "" : workingDir;
    }

    public ExecSession running(int newPid) {
        return new ExecSession(id, containerId, args, env, user, workingDir, tty, stdin, created, "running", newPid,
                exitCode);
    }

    public ExecSession exited(int code) {
        return new ExecSession(id, containerId, args, env, user, workingDir, tty, stdin, created, "exited", pid, code);
    }
}
