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

    private static native int mkfifo(String path, int mode) throws LastErrorException;

    private static native int mount(String source, String target, String fstype, long flags, String data)
            throws LastErrorException;

    private static native int umount2(String target, int flags) throws LastErrorException;

    static final int S_IFCHR = 0020000;
    static final int MNT_DETACH = 2;
    /** mount(2) flags: read-only, no set-id bits, no device files, no execution. */
    public static final long MS_RDONLY = 1;
    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;

    /** Creates a named pipe. */
    public static void makeFifo(Path path, int mode) {
        try {
            mkfifo(path.toString(), mode);
        } catch (LastErrorException e) {
            throw failure("mkfifo", path, e);
        }
    }

    /** mount(2). */
    public static void mount(String source, Path target, String type, String options) {
        mount(source, target, type, 0, options);
    }

    /** mount(2) with flags ({@link #MS_NOSUID} and so on), which filesystems do not take as options. */
    public static void mount(String source, Path target, String type, long flags, String options) {
        try {
            mount(source, target.toString(), type, flags, options);
        } catch (LastErrorException e) {
            throw failure("mount " + type + " (" + options + ") on", target, e);
        }
    }

    /** Lazily unmounts {@code target}; not mounted is fine. */
    public static void unmount(Path target) {
        try {
            umount2(target.toString(), MNT_DETACH);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != 22 && e.getErrorCode() != 2) { // EINVAL: not a mount point; ENOENT
                throw failure("umount", target, e);
            }
        }
    }

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
