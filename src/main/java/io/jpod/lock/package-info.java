/**
 * Locks shared with other processes: the {@link io.jpod.lock.LockManager} contract, its SHM implementation
 * (pthread mutexes in a POSIX shared-memory segment, as libpod's) and an in-process one;
 * {@link io.jpod.lock.Locking}, the one way the engine holds the lock of a container or pod.
 *
 * <h2>Locking order</h2>
 * The engine's one lock order, written down here only ({@link io.jpod.lock.LockOrder.Level} is the
 * same list as code). A thread takes locks in this order only, never against it:
 * <ol>
 * <li>the exit handling of one container ({@code ExitWatcher}: one handler per container at a time);
 * <li>a pod's lock ({@code PodService}): pod start, stop, kill, pause and removal take their members'
 * locks under it, and no other container's. A member is created and removed only under it (the
 * pod's own removal takes it again), so a thread holding it never waits for the lock of a member
 * removed meanwhile, whose number another pod may hold by now;
 * <li>a container's lock ({@code ContainerService} and its parts). Never two containers' locks at
 * once: an operation that touches a second container (a pod member starting its infra container
 * first) does so before or after holding the first one's. An exec session has no lock of its own:
 * its container's lock guards it. Never held while waiting for a process to end;
 * <li>the volume registry ({@code VolumeService}), then the networks ({@code NetworkService}), then
 * the network backend's configs, leases and resolvers ({@code CniNetworkBackend}), then the image
 * store's index ({@code FileImageStore}): short monitors under which no object lock is taken (an
 * image's use is read from the stored configs, not from locked containers);
 * <li>a state transaction (SQLite's write lock): innermost, nothing is taken inside it.
 * </ol>
 * Besides, every object lock is taken under the shared side of {@code Locking}'s gate, whose
 * exclusive side (renumbering) is only taken by a thread that holds no lock.
 *
 * <p>The order is tested: with {@code -Djpod.lock-order.check=true} (set for the unit and integration
 * tests) {@link io.jpod.lock.LockOrder} records what each thread holds and throws on an inversion;
 * {@code LockOrderTest} shows it does, and {@code ConcurrencyIT} runs the engine under 32 racing
 * clients with the check on and fails on any inversion seen.
 */
package io.jpod.lock;
