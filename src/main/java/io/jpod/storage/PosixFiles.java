package io.jpod.storage;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import io.jpod.error.EngineException;
import java.nio.file.Path;

/**
 * File operations Java's NIO lacks (set-id and sticky mode bits, ownership of symlinks, device
 * nodes, extended attributes), through glibc with JNA.
 */
public final class PosixFiles {

    static {
        Native.register("c");
    }

    private PosixFiles() {}

    private static native int chmod(String path, int mode) throws LastErrorException;

    private static native int lchown(String path, int uid, int gid) throws LastErrorException;

    private static native int mknod(String path, int mode, long dev) throws LastErrorException;

    private static native int lsetxattr(String path, String name, byte[] value, long size, int flags)
            throws LastErrorException;

    private static native int lgetxattr(String path, String name, byte[] value, long size) throws LastErrorException;

    static final int S_IFCHR = 0020000;

    /** Sets all twelve mode bits (permissions plus set-uid, set-gid, sticky). */
    public static void setMode(Path path, int mode) {
        try {
            chmod(path.toString(), mode & 07777);
        } catch (LastErrorException e) {
            throw failure("chmod", path, e);
        }
    }

    /** Sets owner and group without following a symlink. */
    public static void setOwner(Path path, int uid, int gid) {
        try {
            lchown(path.toString(), uid, gid);
        } catch (LastErrorException e) {
            throw failure("lchown", path, e);
        }
    }

    /** Creates the 0/0 character device overlayfs reads as a whiteout (a deleted lower file). */
    public static void makeWhiteout(Path path) {
        try {
            mknod(path.toString(), S_IFCHR, 0);
        } catch (LastErrorException e) {
            throw failure("mknod", path, e);
        }
    }

    /** Sets an extended attribute on the path itself (not a symlink's target). */
    public static void setXattr(Path path, String name, String value) {
        byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            lsetxattr(path.toString(), name, bytes, bytes.length, 0);
        } catch (LastErrorException e) {
            throw failure("setxattr " + name, path, e);
        }
    }

    /** An extended attribute's value, or null when absent. */
    public static String getXattr(Path path, String name) {
        byte[] buf = new byte[256];
        try {
            int n = lgetxattr(path.toString(), name, buf, buf.length);
            return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        } catch (LastErrorException e) {
            return null;
        }
    }

    private static EngineException failure(String op, Path path, LastErrorException e) {
        return EngineException.internal(op + " " + path + ": " + e.getMessage(), e);
    }
}
