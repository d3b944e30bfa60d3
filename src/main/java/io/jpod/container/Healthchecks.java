package io.jpod.container;

import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.state.ContainerConfig.Healthcheck;
import io.jpod.state.ContainerHealth;
import io.jpod.state.ContainerStatus;
import io.jpod.state.State;
import io.jpod.state.StoredContainer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs containers' health checks on their schedules, in the daemon (no systemd timers): each
 * running container with a healthcheck gets a probe every interval through {@link HealthProbe},
 * and its result moves the container's {@link ContainerHealth} as Docker's does. Containers' start
 * events begin a schedule, stop, die and remove end it (and kill a probe under way); at the daemon's
 * start the running containers get theirs back, their health so far kept.
 */
public final class Healthchecks implements AutoCloseable {

    private static final Log LOG = LogFactory.getLog(Healthchecks.class);

    private final ContainerService containers;
    private final State state;
    private final HealthProbe probe;
    private final ContainerEvents events;
    private final Map<String, Schedule> schedules = new ConcurrentHashMap<>();
    /** Container events, one at a time and in order (a restart's stop comes before its start). */
    private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(daemonThreads("health-events"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            daemonThreads("health-timer"));
    private final ExecutorService probes = Executors.newCachedThreadPool(daemonThreads("health-check"));
    private final EventBus.Subscription subscription;
    private volatile boolean closed;

    /** One container's schedule, for one run of it (its start time tells runs apart). */
    private static final class Schedule {
        final String id;
        final Instant startedAt;
        final Healthcheck check;
        volatile boolean cancelled;
        volatile ScheduledFuture<?> next;
        volatile HealthProbe.Running running;

        Schedule(String id, Instant startedAt, Healthcheck check) {
            this.id = id;
            this.startedAt = startedAt;
            this.check = check;
        }
    }

    public Healthchecks(ContainerService containers, ExecService execs, State state, EventBus bus) {
        this.containers = containers;
        this.state = state;
        this.probe = new HealthProbe(execs, state, containers.paths());
        this.events = new ContainerEvents(bus);
        this.subscription = bus.follow(null, e -> {
            if (!e.type().equals("container")) {
                return;
            }
            switch (e.action()) {
                case "start" -> lifecycle.execute(() -> begin(e.id()));
                case "stop", "die", "remove" -> lifecycle.execute(() -> end(e.id()));
                default -> { }
            }
        });
        for (StoredContainer c : state.allContainers()) {
            lifecycle.execute(() -> begin(c.id()));
        }
    }

    /** The check the container runs, null for none (also for one turned off with {@code ["NONE"]}). */
    public static Healthcheck configured(StoredContainer c) {
        Healthcheck h = c.config().run() == null ? null : c.config().run().healthcheck();
        return h == null || h.test().isEmpty() || h.test().get(0).equals("NONE") ? null : h;
    }

    /** The container's health as inspect shows it: null without a healthcheck or before its first run. */
    public static ContainerHealth current(StoredContainer c) {
        Healthcheck h = configured(c);
        if (h == null) {
            return null;
        }
        if (c.state().health() != null) {
            return c.state().health();
        }
        ContainerStatus s = c.state().status();
        return s == ContainerStatus.RUNNING || s == ContainerStatus.PAUSED || s == ContainerStatus.STOPPING
                ? ContainerHealth.starting() : null;
    }

    /**
     * Runs the container's check now (libpod's healthcheck run) and records it as a scheduled one
     * would be; returns the health after it.
     */
    public ContainerHealth runNow(String nameOrId) {
        StoredContainer c = containers.inspect(nameOrId);
        Healthcheck h = configured(c);
        if (h == null) {
            throw EngineException.invalidState("container " + c.id() + " has no defined healthcheck");
        }
        if (c.state().status() != ContainerStatus.RUNNING) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        HealthProbe.Outcome o = probe.run(c, h, r -> { });
        if (o == null) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        ContainerHealth after = record(c.id(), c.state().startedAt(), h, o.result());
        if (after == null) {
            throw EngineException.invalidState("container " + c.id() + " is not running");
        }
        return after;
    }

    // ---- schedules -------------------------------------------------------------------------

    private void begin(String id) {
        end(id);
        if (closed) {
            return;
        }
        StoredContainer c;
        try {
            c = state.container(id);
        } catch (EngineException gone) {
            return;
        }
        Healthcheck h = configured(c);
        if (h == null || c.state().status() != ContainerStatus.RUNNING) {
            return;
        }
        Schedule s = new Schedule(id, c.state().startedAt(), h);
        schedules.put(id, s);
        plan(s, c.state().health());
    }

    private void end(String id) {
        Schedule s = schedules.remove(id);
        if (s == null) {
            return;
        }
        s.cancelled = true;
        ScheduledFuture<?> f = s.next;
        if (f != null) {
            f.cancel(false);
        }
        HealthProbe.Running r = s.running;
        if (r != null) {
            r.kill(); // no check outlives its container's run
        }
    }

    /** The next probe: after the start interval while the start period lasts and no check has passed, else the interval. */
    private void plan(Schedule s, ContainerHealth health) {
        if (s.cancelled) {
            return;
        }
        Healthcheck h = s.check;
        boolean starting = health == null || ContainerHealth.STARTING.equals(health.status());
        boolean inStartPeriod = s.startedAt != null
                && Instant.now().isBefore(s.startedAt.plusNanos(Math.max(0, h.startPeriod())));
        Duration delay = starting && inStartPeriod ? h.effectiveStartInterval() : h.effectiveInterval();
        try {
            s.next = timer.schedule(() -> probes.execute(() -> tick(s)), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            s.cancelled = true;
        }
    }

    private void tick(Schedule s) {
        if (s.cancelled || closed) {
            return;
        }
        ContainerHealth after = null;
        try {
            StoredContainer c = state.container(s.id);
            if (!Objects.equals(c.state().startedAt(), s.startedAt)) {
                return; // another run has its own schedule
            }
            if (c.state().status() == ContainerStatus.PAUSED) {
                after = c.state().health(); // a frozen container is not checked
            } else if (c.state().status() == ContainerStatus.RUNNING) {
                HealthProbe.Outcome o = probe.run(c, s.check, r -> {
                    s.running = r;
                    if (s.cancelled) {
                        r.kill(); // ended while it was being launched
                    }
                });
                s.running = null;
                if (o != null && !s.cancelled) {
                    after = record(s.id, s.startedAt, s.check, o.result());
                }
            } else {
                return;
            }
        } catch (EngineException e) {
            if (e.category() == EngineException.Category.NOT_FOUND) {
                schedules.remove(s.id, s);
                return;
            }
            LOG.warn("health check of " + s.id + " failed to run: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("health check of " + s.id + " failed to run: " + e.getMessage(), e);
        }
        plan(s, after);
    }

    /**
     * Records one result on the container's run that started at {@code startedAt} (Docker's rules:
     * success makes it healthy; a failure counts unless it comes in the start period before any
     * success, and {@code retries} failures in a row make it unhealthy). Null when that run is over.
     */
    private ContainerHealth record(String id, Instant startedAt, Healthcheck h, ContainerHealth.Result r) {
        ContainerHealth[] before = new ContainerHealth[1];
        ContainerHealth after = containers.synced(id, cur -> {
            if (cur.state().status() != ContainerStatus.RUNNING
                    || !Objects.equals(cur.state().startedAt(), startedAt)) {
                return null;
            }
            ContainerHealth was = cur.state().health() == null ? ContainerHealth.starting() : cur.state().health();
            before[0] = was;
            ContainerHealth next = next(was, h, startedAt, r);
            Transitions.save(state, cur, cur.state().withHealth(next));
            return next;
        });
        if (after != null && !after.status().equals(before[0].status())) {
            StoredContainer c = state.container(id);
            events.publish("health_status: " + after.status(), c, "health_status", after.status());
        }
        return after;
    }

    static ContainerHealth next(ContainerHealth was, Healthcheck h, Instant startedAt, ContainerHealth.Result r) {
        if (r.exitCode() == 0) {
            return was.with(ContainerHealth.HEALTHY, 0, r);
        }
        boolean counts = true;
        if (ContainerHealth.STARTING.equals(was.status()) && startedAt != null && h.startPeriod() > 0) {
            counts = !r.start().isBefore(startedAt.plusNanos(h.startPeriod()));
        }
        if (!counts) {
            return was.with(was.status(), was.failingStreak(), r);
        }
        int streak = was.failingStreak() + 1;
        return was.with(streak >= h.effectiveRetries() ? ContainerHealth.UNHEALTHY : was.status(), streak, r);
    }

    /**
     * Ends every schedule, kills the checks under way and waits for them: a check holds its
     * container's lock at moments, and the lock manager closes after this.
     */
    @Override
    public void close() {
        closed = true;
        subscription.close();
        lifecycle.shutdown();
        timer.shutdownNow();
        schedules.keySet().forEach(this::end);
        probes.shutdown();
        try {
            if (!lifecycle.awaitTermination(10, TimeUnit.SECONDS) || !probes.awaitTermination(20, TimeUnit.SECONDS)) {
                LOG.warn("health checks still running at shutdown");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
