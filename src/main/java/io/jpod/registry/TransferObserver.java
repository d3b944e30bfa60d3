package io.jpod.registry;

/** Told of bytes moved and blobs reused by pulls and pushes (metrics listen here). */
public interface TransferObserver {

    TransferObserver NONE = new TransferObserver() {
        @Override
        public void bytes(String direction, long count) {}

        @Override
        public void blob(String direction, boolean reused) {}
    };

    /** @param direction {@code pull} or {@code push} */
    void bytes(String direction, long count);

    /** A blob that was {@code reused} (already there) or moved. */
    void blob(String direction, boolean reused);
}
