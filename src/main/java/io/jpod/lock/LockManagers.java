package io.jpod.lock;

import io.jpod.config.RuntimeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/** Picks the lock manager: the SHM segment, or in-process locks for the in-memory state or a host without /dev/shm. */
public final class LockManagers {

    private static final Log LOG = LogFactory.getLog(LockManagers.class);

    private LockManagers() {}

    public static LockManager create(RuntimeConfig config) {
        String type = config.lockType();
        if (type.isEmpty()) {
            if (config.stateType() == RuntimeConfig.StateType.MEMORY) {
                type = "memory";
            } else if (!Files.isDirectory(Path.of("/dev/shm"))) {
                LOG.warn("/dev/shm is missing: using in-process locks, which do not exclude other processes");
                type = "memory";
            } else {
                type = "shm";
            }
        }
        if ("memory".equals(type)) {
            return new InMemoryLockManager((int) Math.min(Integer.MAX_VALUE - 31L, config.numLocks()));
        }
        return ShmLockManager.openOrCreate(config.shmLockPath(), config.numLocks(), config.renumber());
    }
}
