package io.jpod.lock;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The glibc calls the SHM lock segment needs, bound with JNA's direct mapping (about 3 times
 * faster per call than interface mapping, which matters on the lock path). The pthread functions
 * return their error number; the others return -1 and raise {@link LastErrorException} with errno.
 */
final class Libc {

    static {
        Native.register("c");
    }

    static final int O_RDWR = 02;
    static final int O_CREAT = 0100;
    static final int O_EXCL = 0200;
    static final int PROT_READ_WRITE = 3;
    static final int MAP_SHARED = 1;

    static final int PTHREAD_MUTEX_NORMAL = 0;
    static final int PTHREAD_PROCESS_SHARED = 1;
    static final int PTHREAD_MUTEX_ROBUST = 1;

    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EOWNERDEAD = 130;

    private Libc() {}

    static native int shm_open(String name, int oflag, int mode) throws LastErrorException;

    static native int shm_unlink(String name) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset)
            throws LastErrorException;

    static native int munmap(Pointer addr, long length) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int pthread_mutexattr_init(Pointer attr);

    static native int pthread_mutexattr_settype(Pointer attr, int type);

    static native int pthread_mutexattr_setpshared(Pointer attr, int pshared);

    static native int pthread_mutexattr_setrobust(Pointer attr, int robust);

    static native int pthread_mutexattr_destroy(Pointer attr);

    static native int pthread_mutex_init(Pointer mutex, Pointer attr);

    // The hot path takes raw addresses: primitive arguments skip JNA's Pointer marshalling.
    static native int pthread_mutex_lock(long mutex);

    static native int pthread_mutex_trylock(long mutex);

    static native int pthread_mutex_unlock(long mutex);

    static native int pthread_mutex_consistent(long mutex);

    static native String strerror(int errnum);
}
