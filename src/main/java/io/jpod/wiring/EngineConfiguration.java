package io.jpod.wiring;

import io.jpod.observability.ConmonHealthIndicator;
import io.jpod.runtime.LibpodRuntime;
import io.jpod.runtime.ObjectRegistry;
import io.jpod.observability.OciRuntimeHealthIndicator;
import io.jpod.runtime.RuntimeEnvironment;

import io.jpod.config.ConfigFileSource;
import io.jpod.build.BuildCache;
import io.jpod.build.BuildService;
import io.jpod.container.ContainerService;
import io.jpod.container.DiskUsage;
import io.jpod.events.EventBus;
import io.jpod.container.ExecService;
import io.jpod.network.CniNetworkBackend;
import io.jpod.network.NetworkBackend;
import io.jpod.network.NetworkService;
import io.jpod.kube.KubeService;
import io.jpod.pod.PodService;
import io.jpod.container.ImageUse;
import io.jpod.container.NetworkUse;
import io.jpod.events.OperationObserver;
import io.jpod.container.VolumeUse;
import io.jpod.volume.VolumeService;
import io.jpod.image.FileImageStore;
import io.jpod.image.ImageStore;
import io.jpod.image.PublishingImageStore;
import io.jpod.registry.RegistryConfig;
import io.jpod.registry.RegistryService;
import io.jpod.registry.TransferObserver;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import io.jpod.config.LibpodConfigEnvironmentPostProcessor;
import io.jpod.config.LibpodProperties;
import io.jpod.config.RuntimeConfig;
import io.jpod.config.RuntimeConfigFactory;
import io.jpod.lock.LockManager;
import io.jpod.lock.LockManagers;
import io.jpod.lock.Locking;
import io.jpod.oci.OciRuntime;
import io.jpod.observability.LockUsage;
import io.jpod.state.State;
import io.jpod.registry.HostRegistryConfig;
import io.jpod.registry.RegistryConfig;
import io.jpod.system.SystemService;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.ConfigurableEnvironment;
import tools.jackson.databind.json.JsonMapper;

/** Wires the engine: configuration, locks, state, the runtime (started when created), then the services over it. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LibpodProperties.class)
public class EngineConfiguration {

    @Bean
    RuntimeEnvironment runtimeEnvironment(ConfigurableEnvironment env, LibpodProperties props) {
        var identity = LibpodConfigEnvironmentPostProcessor.identityOf(env);
        ConfigFileSource file = (ConfigFileSource) env.getPropertySources()
                .get(LibpodConfigEnvironmentPostProcessor.FILE_SOURCE);
        Path procRoot = Path.of(env.getProperty("jpod.host.proc-root", "/proc"));
        Path etcRoot = Path.of(env.getProperty("jpod.host.etc-root", "/etc"));
        Path cgroupRoot = Path.of(env.getProperty("jpod.host.cgroup-root", "/sys/fs/cgroup"));
        return new RuntimeEnvironment(identity, procRoot, etcRoot, cgroupRoot, Path.of(props.userConfigFile()),
                file != null && file.userFileMissing(), file == null ? null : file.path());
    }

    @Bean
    RuntimeConfig runtimeConfig(LibpodProperties props, ConfigurableEnvironment env, RuntimeEnvironment runtimeEnv) {
        return new RuntimeConfigFactory(env).create(props, !runtimeEnv.identity().rootless());
    }

    @Bean(destroyMethod = "")
    LockManager lockManager(RuntimeConfig config) {
        // closed by the runtime's shutdown, after the last container operation
        return LockManagers.create(config);
    }

    @Bean
    LockUsage locks(LockManager locks) {
        return new LockUsage(locks);
    }

    /** The one way the engine holds container and pod locks (their order, and renumbering's exclusion). */
    @Bean
    Locking locking(LockManager locks) {
        return new Locking(locks);
    }

    @Bean(destroyMethod = "close")
    LibpodRuntime libpodRuntime(RuntimeConfig config, State state, LockManager locks, Locking locking,
            RuntimeEnvironment env) {
        LibpodRuntime runtime = new LibpodRuntime(config, state, locks, locking, env);
        runtime.start();
        return runtime;
    }

    /** conmon and the OCI runtime binary, as the runtime found them at start. */
    @Bean
    OciRuntime ociRuntime(LibpodRuntime runtime) {
        return runtime.ociRuntime();
    }

    @Bean
    ImageStore imageStore(LibpodRuntime runtime, EventBus events, ObjectProvider<OperationObserver> observer,
            JsonMapper json) {
        return new PublishingImageStore(new FileImageStore(Path.of(runtime.config().storage().graphRoot()), json),
                events, observer.getIfAvailable(() -> OperationObserver.NONE));
    }

    /** Pulls and pushes; {@code jpod.registry.stall-timeout} is how long a transfer may go without a byte before it is retried. */
    @Bean
    RegistryService registryService(ImageStore images, RegistryConfig registries, JsonMapper json, EventBus events,
            ObjectProvider<OperationObserver> observer, ObjectProvider<TransferObserver> transfers,
            @Value("${jpod.registry.stall-timeout:30s}") Duration stallTimeout) {
        return new RegistryService(images, registries, json, events, observer.getIfAvailable(() -> OperationObserver.NONE),
                transfers.getIfAvailable(() -> TransferObserver.NONE), stallTimeout);
    }

    /** Names, locks and records of new containers and pods. */
    @Bean
    ObjectRegistry objectRegistry(State state, Locking locking, LibpodRuntime runtime) {
        return new ObjectRegistry(state, locking, runtime.config().namespace());
    }

    @Bean(destroyMethod = "close")
    ContainerService containerService(LibpodRuntime runtime, State state, Locking locking, ObjectRegistry registry,
            OciRuntime oci,
            ImageStore images, VolumeService volumes, NetworkService networks,
            ObjectProvider<OperationObserver> observer, EventBus events, JsonMapper json) {
        return new ContainerService(runtime, state, locking, registry, oci, images, volumes, networks,
                observer.getIfAvailable(() -> OperationObserver.NONE), events, json);
    }

    /** The engine's event stream (Docker's and libpod's events, the dashboard's live view). */
    @Bean
    EventBus eventBus() {
        return new EventBus(1000);
    }

    /**
     * Ends the event and log streams as soon as the daemon is asked to stop: the context-closed
     * event comes before the web server's graceful shutdown, which would otherwise wait its whole
     * timeout for streams that only end when their clients leave.
     */
    @Bean
    org.springframework.context.ApplicationListener<org.springframework.context.event.ContextClosedEvent>
            endStreamsOnShutdown(EventBus events) {
        return closed -> events.close();
    }

    /**
     * The CNI plugins behind the networks; host-local's leases and the name resolvers' files under
     * the tmp dir, cleared by a reboot. Closed at shutdown: resolvers that serve nobody stop.
     */
    @Bean
    NetworkBackend networkBackend(LibpodRuntime runtime, JsonMapper json) {
        var c = runtime.config();
        return new CniNetworkBackend(Path.of(c.cniConfigDir()), c.cniPluginDir().stream().map(Path::of).toList(),
                Path.of(c.tmpDir(), "cni", "networks"), Path.of(c.tmpDir(), "cni", "dns"), json);
    }

    /**
     * Bridge networks; the default one is made on first start (root only), with a name resolver
     * only when {@code jpod.network.default-dns} is true (Docker's default bridge has none).
     */
    @Bean
    NetworkService networkService(NetworkBackend backend, LibpodRuntime runtime, EventBus events,
            @Value("${jpod.network.default-dns:false}") boolean defaultDns) {
        NetworkService n = new NetworkService(backend, runtime.config().cniDefaultNetwork(),
                runtime.environment().identity().rootless(), events, defaultDns);
        try {
            n.ensureDefault();
        } catch (RuntimeException e) {
            org.apache.commons.logging.LogFactory.getLog(NetworkService.class)
                    .error("creating the default network failed: " + e.getMessage());
        }
        return n;
    }

    @Bean
    NetworkUse networkUse(NetworkService networks, ContainerService containers) {
        return new NetworkUse(networks, containers);
    }

    @Bean
    KubeService kubeService(ContainerService containers, PodService pods, VolumeService volumes, ImageStore images,
            RegistryService registry) {
        return new KubeService(containers, pods, volumes, images, registry);
    }

    @Bean
    PodService podService(LibpodRuntime runtime, State state, Locking locking, ObjectRegistry registry,
            ContainerService containers, ImageStore images, EventBus events) {
        return new PodService(runtime, state, locking, registry, containers, images, events);
    }

    /** Containers' live usage from their cgroups and network namespaces, one sampler for every viewer. */
    @Bean
    io.jpod.stats.ContainerStats containerStats(ContainerService containers, PodService pods,
            RuntimeEnvironment env) {
        return new io.jpod.stats.ContainerStats(containers, pods, new io.jpod.stats.StatsReader(env.procRoot()));
    }

    @Bean
    ExecService execService(ContainerService containers, State state, OciRuntime oci, JsonMapper json) {
        return new ExecService(containers, state, oci, json);
    }

    /** Containers' health checks, run on their schedules by the daemon. */
    @Bean(destroyMethod = "close")
    io.jpod.container.Healthchecks healthchecks(ContainerService containers, ExecService execs, State state,
            EventBus events) {
        return new io.jpod.container.Healthchecks(containers, execs, state, events);
    }

    @Bean
    VolumeService volumeService(LibpodRuntime runtime, State state, EventBus events) {
        return new VolumeService(() -> state, Path.of(runtime.config().volumePath()), events);
    }

    @Bean
    VolumeUse volumeUse(VolumeService volumes, ContainerService containers) {
        return new VolumeUse(volumes, containers);
    }

    @Bean
    BuildService buildService(LibpodRuntime runtime, ImageStore images, RegistryService registry,
            ContainerService containers, JsonMapper json) {
        Path graphRoot = Path.of(runtime.config().storage().graphRoot());
        return new BuildService(images, registry, containers,
                new BuildCache(graphRoot.resolve("build-cache.json"), images, json),
                "overlay".equals(runtime.config().storage().driver()));
    }

    @Bean
    DiskUsage diskUsage(ImageStore images, ContainerService containers, VolumeService volumes) {
        return new DiskUsage(images, containers, volumes);
    }

    @Bean
    ImageUse imageUse(ImageStore images, ContainerService containers) {
        return new ImageUse(images, containers);
    }

    @Bean
    SystemService systemService(LibpodRuntime runtime, State state, ObjectProvider<BuildProperties> build,
            RegistryConfig registries) {
        BuildProperties props = build.getIfAvailable();
        return new SystemService(runtime, state, props != null ? props.getVersion() : "0.1.0-SNAPSHOT", registries);
    }

    /**
     * registries.conf (with its .conf.d), certs.d and the auth files, for pulls, pushes and info.
     * {@code libpod.registries-certs-dirs} (comma-separated) replaces the two usual certs.d roots.
     */
    @Bean
    RegistryConfig registryConfig(RuntimeConfig config, ConfigurableEnvironment env, RuntimeEnvironment runtimeEnv) {
        String dirs = env.getProperty("libpod.registries-certs-dirs", "");
        List<Path> certsDirs = dirs.isBlank() ? HostRegistryConfig.DEFAULT_CERTS_DIRS
                : Arrays.stream(dirs.split(",")).map(String::trim).filter(s -> !s.isEmpty()).map(Path::of).toList();
        // the identity's HOME and environment, so jpod.host.home/jpod.host.env confine tests' auth files too
        Map<String, String> vars = new HashMap<>(runtimeEnv.identity().env());
        vars.put("HOME", runtimeEnv.identity().home().toString());
        return new HostRegistryConfig(Path.of(config.registriesConfigFile()), certsDirs, vars);
    }

    @Bean
    OciRuntimeHealthIndicator ociRuntimeHealthIndicator(LibpodRuntime runtime) {
        return new OciRuntimeHealthIndicator(runtime);
    }

    @Bean
    ConmonHealthIndicator conmonHealthIndicator(LibpodRuntime runtime) {
        return new ConmonHealthIndicator(runtime);
    }
}
