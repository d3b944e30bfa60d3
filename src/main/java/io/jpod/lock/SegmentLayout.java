package io.jpod.lock;

/**
 * Byte layout of libpod's lock segment on x86_64 glibc (facts §2.3), so jpod's segment is laid out
 * exactly as libpod's {@code shm_struct_t}: a 56-byte header, then 1288-byte groups of a 32-bit
 * allocation bitmap and 32 mutexes of 40 bytes each.
 */
final class SegmentLayout {

    static final short MAGIC = (short) 0x87D1;
    static final int LOCKS_PER_GROUP = 32;
    static final int MUTEX_SIZE = 40;

    static final int OFF_MAGIC = 0;
    static final int OFF_UNUSED = 2;
    static final int OFF_SEGMENT_LOCK = 8;
    static final int OFF_NUM_BITMAPS = 48;
    static final int OFF_NUM_LOCKS = 52;
    static final int HEADER_SIZE = 56;

    static final int GROUP_OFF_BITMAP = 0;
    static final int GROUP_OFF_LOCKS = 8;
    static final int GROUP_SIZE = GROUP_OFF_LOCKS + LOCKS_PER_GROUP * MUTEX_SIZE;

    private SegmentLayout() {}

    /** Requested locks rounded up to whole groups, as libpod stores them. */
    static int roundedLocks(long requested) {
        return Math.toIntExact(groups(requested) * LOCKS_PER_GROUP);
    }

    static long groups(long requested) {
        return (requested + LOCKS_PER_GROUP - 1) / LOCKS_PER_GROUP;
    }

    static long segmentSize(long requested) {
        return HEADER_SIZE + GROUP_SIZE * groups(requested);
    }

    static long bitmapOffset(int group) {
        return HEADER_SIZE + (long) GROUP_SIZE * group + GROUP_OFF_BITMAP;
    }

    static long mutexOffset(int lock) {
        return HEADER_SIZE + (long) GROUP_SIZE * (lock / LOCKS_PER_GROUP) + GROUP_OFF_LOCKS
                + (long) MUTEX_SIZE * (lock % LOCKS_PER_GROUP);
    }
}
