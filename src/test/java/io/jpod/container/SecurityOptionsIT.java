package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.host.ProcessRunner;
import io.jpod.oci.Capabilities;
import io.jpod.oci.SpecGenerator;
import io.jpod.testing.CliClient;
import io.jpod.testing.TestDaemon;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each security option seen from inside a real container: the docker CLI for most, podman's remote
 * client for the libpod create. One daemon and one imported busybox image for the class.
 */
class SecurityOptionsIT {

    static Path root;
    static TestDaemon daemon;
    static CliClient docker;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-security");
        daemon = TestDaemon.start(root);
        docker = CliClient.docker(daemon, root.resolve("docker-config"));
        ProcessRunner.Result built = ProcessRunner.run(List.of("bash", "config/busybox-rootfs.sh",
                root.resolve("rootfs.tar").toString()), Duration.ofSeconds(60));
        assertThat(built.exitCode()).as(built.stderr()).isZero();
        Files.createDirectories(root.resolve("docker-config"));
        Files.writeString(root.resolve("containers.conf"), "");
        ok("import", "--change", "CMD [\"sh\"]", root.resolve("rootfs.tar").toString(), "busybox");
    }

    @AfterAll
    static void stop() throws Exception {
        docker.run("rm", "-f", "holder", "shown");
        daemon.close();
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    static String ok(String... args) throws Exception {
        return docker.ok(args);
    }

    static String fails(String... args) throws Exception {
        return docker.fails(args).stderr();
    }

    /** The host's tmpfs mounts whose mount point contains {@code part} (a container ID, a daemon root). */
    static List<String> mountsUnder(String part) throws Exception {
        return Files.readAllLines(Path.of("/proc/mounts")).stream()
                .filter(l -> l.startsWith("shm ") && l.split(" ")[1].contains(part)).toList();
    }

    /** {@code POST /containers/create} of busybox with this {@code HostConfig}, as a client other than the CLI. */
    static HttpResponse<String> create(String hostConfig) throws Exception {
        return daemon.send(HttpRequest.newBuilder(daemon.uri("/v1.41/containers/create"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"Image\": \"busybox\", \"HostConfig\": " + hostConfig
                        + "}"))
                .build());
    }

    /** The container's {@code CapEff}, {@code NoNewPrivs} and {@code Seccomp} lines, one string. */
    static String status(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(List.of(options));
        args.addAll(List.of("busybox", "grep", "-E", "^(CapEff|NoNewPrivs|Seccomp):", "/proc/self/status"));
        return ok(args.toArray(String[]::new)).replace('\t', ' ').replace('\n', ' ');
    }

    /** {@code CapEff} as the kernel prints it for a set of capability names. */
    static String capEff(Collection<String> names) {
        long mask = 0;
        for (String n : names) {
            mask |= 1L << Capabilities.KNOWN.indexOf(n);
        }
        return String.format("%016x", mask);
    }

    @Test
    void capabilitiesNoNewPrivilegesAndSeccomp() throws Exception {
        List<String> defaults = SpecGenerator.DEFAULT_CAPABILITIES;
        assertThat(status()).isEqualTo("CapEff: " + capEff(defaults) + " NoNewPrivs: 0 Seccomp: 2");
        assertThat(status("--cap-drop", "ALL")).startsWith("CapEff: 0000000000000000 ");
        List<String> withNetAdmin = new ArrayList<>(defaults);
        withNetAdmin.add("CAP_NET_ADMIN");
        withNetAdmin.remove("CAP_CHOWN");
        assertThat(status("--cap-add", "net_admin", "--cap-drop", "CAP_CHOWN"))
                .startsWith("CapEff: " + capEff(withNetAdmin) + " ");
        // the capability really works: the container may take its loopback down
        ok("run", "--rm", "--cap-add", "NET_ADMIN", "busybox", "ip", "link", "set", "lo", "down");
        assertThat(docker.run("run", "--rm", "busybox", "ip", "link", "set", "lo", "down").exitCode()).isNotZero();
        assertThat(status("--security-opt", "no-new-privileges", "--security-opt", "seccomp=unconfined"))
                .endsWith("NoNewPrivs: 1 Seccomp: 0");
    }

    @Test
    void privileged() throws Exception {
        assertThat(status("--privileged")).isEqualTo("CapEff: " + capEff(Capabilities.host())
                + " NoNewPrivs: 0 Seccomp: 0");
        // host devices, a writable /sys, nothing masked
        String out = ok("run", "--rm", "--privileged", "busybox", "sh", "-c",
                "test -c /dev/loop-control && echo dev; grep ' /sys sysfs ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1;"
                        + " head -c5 /proc/timer_list; echo");
        assertThat(out.split("\n")).containsExactly("dev", "rw", "Timer");
        // without it: no host device, a read-only /sys, /proc/timer_list masked (empty)
        assertThat(ok("run", "--rm", "busybox", "sh", "-c", "test -e /dev/loop-control || echo none; "
                + "grep ' /sys sysfs ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1; head -c5 /proc/timer_list; echo")
                .split("\n")).containsExactly("none", "ro");
    }

    @Test
    void seccompProfileFromTheClient() throws Exception {
        // the docker CLI reads the file and sends its JSON
        Path profile = root.resolve("no-mkdir.json");
        Files.writeString(profile, """
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """);
        ProcessRunner.Result r = docker.run("run", "--rm", "--security-opt", "seccomp=" + profile, "busybox",
                "sh", "-c", "grep ^Seccomp: /proc/self/status; mkdir /tmp/d");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stdout()).contains("Seccomp:\t2");
        assertThat(r.stderr()).contains("Operation not permitted");
        assertThat(fails("run", "--rm", "--security-opt", "apparmor=docker-default", "busybox", "true"))
                .contains("AppArmor");
        assertThat(fails("run", "--rm", "--security-opt", "systempaths=unconfined", "busybox", "true"))
                .contains("systempaths=unconfined");
        ok("run", "--rm", "--security-opt", "label=disable", "--security-opt", "apparmor=unconfined", "busybox",
                "true");
    }

    @Test
    void readOnlyRootWithWritableTmpfs() throws Exception {
        String out = ok("run", "--rm", "--read-only", "busybox", "sh", "-c",
                "touch /x 2>/dev/null && echo root-writable; touch /tmp/x /run/x /var/tmp/x && echo tmp-ok");
        assertThat(out).isEqualTo("tmp-ok");
    }

    @Test
    void deviceGroupsAndSysctls() throws Exception {
        String out = ok("run", "--rm", "--device", "/dev/loop-control:/dev/lc:rw", "--group-add", "1234",
                "--group-add", "nogroup", "--sysctl", "kernel.shmmax=1000000", "--sysctl", "net.ipv4.ip_forward=1",
                "busybox", "sh", "-c", "test -c /dev/lc && echo dev; id -G; cat /proc/sys/kernel/shmmax "
                        + "/proc/sys/net/ipv4/ip_forward");
        assertThat(out.split("\n")).containsExactly("dev", "0 1234 65534", "1000000", "1");
        // the docker CLI refuses these itself: the API answers the same
        HttpResponse<String> r = create("{\"Sysctls\": {\"vm.swappiness\": \"1\"}}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not namespaced");
        r = create("{\"UsernsMode\": \"private\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("user namespace mode");
        assertThat(fails("run", "--rm", "--network", "host", "--sysctl", "net.ipv4.ip_forward=1", "busybox", "true"))
                .contains("host's network namespace");
        assertThat(fails("run", "--rm", "--device", "/etc/passwd", "busybox", "true")).contains("not a device");
    }

    @Test
    void hostAndContainerNamespaces() throws Exception {
        String hostInit = Files.readString(Path.of("/proc/1/cmdline")).replace('\0', ' ').strip();
        assertThat(ok("run", "--rm", "--pid", "host", "busybox", "sh", "-c", "tr '\\0' ' ' < /proc/1/cmdline"))
                .isEqualTo(hostInit);
        String hostname = ProcessRunner.run(List.of("hostname"), Duration.ofSeconds(5)).stdout().strip();
        assertThat(ok("run", "--rm", "--uts", "host", "busybox", "hostname")).isEqualTo(hostname);
        ok("run", "-d", "--name", "holder", "busybox", "sleep", "301");
        // the same IPC namespace: the same inode behind /proc/self/ns/ipc
        String holderIpc = ok("exec", "holder", "readlink", "/proc/self/ns/ipc");
        assertThat(ok("run", "--rm", "--pid", "container:holder", "--ipc", "container:holder", "busybox", "sh", "-c",
                "ps -o args; readlink /proc/self/ns/ipc")).contains("sleep 301").contains(holderIpc);
        // and the same /dev/shm (POSIX shared memory), which a container with an IPC namespace of its own lacks
        ok("exec", "holder", "sh", "-c", "echo posix > /dev/shm/note");
        assertThat(ok("run", "--rm", "--ipc", "container:holder", "busybox", "cat", "/dev/shm/note"))
                .isEqualTo("posix");
        assertThat(ok("run", "--rm", "busybox", "sh", "-c", "ls /dev/shm | wc -l")).isEqualTo("0");
        String holderId = ok("inspect", "-f", "{{.Id}}", "holder");
        assertThat(mountsUnder(holderId)).hasSize(1);
        // the host's IPC namespace comes with the host's /dev/shm
        Path note = Files.createTempFile(Path.of("/dev/shm"), "jpod-ipc", ".txt");
        try {
            assertThat(ok("run", "--rm", "--ipc", "host", "busybox", "cat", note.toString())).isEmpty();
            Files.writeString(note, "shared");
            assertThat(ok("run", "--rm", "--ipc", "host", "busybox", "cat", note.toString())).isEqualTo("shared");
        } finally {
            Files.deleteIfExists(note);
        }
        assertThat(ok("run", "--rm", "busybox", "ps", "-o", "args")).doesNotContain("sleep 301");
        assertThat(fails("exec", "--privileged", "holder", "true")).contains("exec --privileged is not supported");
        ok("stop", "-t", "0", "holder");
        assertThat(mountsUnder(holderId)).isEmpty();
        ok("rm", "-f", "holder");
        assertThat(mountsUnder(root.toString())).isEmpty();
        assertThat(fails("run", "--rm", "--pid", "container:nosuch", "busybox", "true")).contains("nosuch");
    }

    @Test
    void unknownCapabilityIs400AndInspectShowsWhatWasApplied() throws Exception {
        HttpResponse<String> r = create("{\"CapAdd\": [\"NOT_A_CAP\"]}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("unknown capability \\\"NOT_A_CAP\\\"");
        assertThat(fails("run", "--rm", "--cap-add", "NOT_A_CAP", "busybox", "true")).contains("unknown capability");

        ok("create", "--name", "shown", "--cap-add", "NET_ADMIN", "--cap-drop", "MKNOD", "--read-only",
                "--security-opt", "no-new-privileges", "--device", "/dev/loop-control", "--group-add", "nogroup",
                "--sysctl", "kernel.shmmax=1000000", "--pid", "host", "--uts", "host", "busybox");
        assertThat(ok("inspect", "--format", "{{json .HostConfig.CapAdd}} {{json .HostConfig.CapDrop}} "
                + "{{.HostConfig.Privileged}} {{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.SecurityOpt}} "
                + "{{json .HostConfig.Devices}} {{json .HostConfig.GroupAdd}} {{json .HostConfig.Sysctls}} "
                + "{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}}", "shown"))
                .isEqualTo("[\"CAP_NET_ADMIN\"] [\"CAP_MKNOD\"] false true [\"no-new-privileges\"] "
                        + "[{\"PathOnHost\":\"/dev/loop-control\",\"PathInContainer\":\"/dev/loop-control\","
                        + "\"CgroupPermissions\":\"rwm\"}] [\"nogroup\"] {\"kernel.shmmax\":\"1000000\"} host "
                        + "private host");
        // podman's inspect of the same container, through the libpod API
        HttpResponse<String> libpod = daemon.get("/v4.3.1/libpod/containers/shown/json");
        String effective = libpod.body().substring(libpod.body().indexOf("\"EffectiveCaps\""));
        assertThat(effective).startsWith("\"EffectiveCaps\":[\"CAP_CHOWN\"").contains("\"CAP_NET_ADMIN\"")
                .doesNotContain("CAP_MKNOD");
        // generate kube writes them as the securityContext play kube reads
        assertThat(daemon.get("/v4.3.1/libpod/generate/kube?names=shown").body())
                .contains("readOnlyRootFilesystem: true").contains("allowPrivilegeEscalation: false")
                .contains("- CAP_NET_ADMIN").contains("- CAP_MKNOD");
    }

    @Test
    void podmanRemoteCreate() throws Exception {
        List<String> argv = new ArrayList<>(List.of("podman", "--remote", "--url", daemon.dockerHost(),
                "run", "--rm", "--cap-drop", "all", "--cap-add", "kill", "--security-opt", "no-new-privileges",
                "--security-opt", "seccomp=unconfined", "--read-only", "--sysctl", "kernel.shmmax=2000000",
                "--group-add", "4321", "--device", "/dev/loop-control:/dev/lc", "docker.io/library/busybox", "sh",
                "-c",
                "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status | tr '\\t\\n' '  '; "
                        + "touch /x 2>/dev/null || echo ro; touch /tmp/x && echo tmp; cat /proc/sys/kernel/shmmax; "
                        + "id -G; test -c /dev/lc && echo dev"));
        ProcessRunner.Result r = ProcessRunner.run(argv, Map.of("CONTAINERS_CONF",
                root.resolve("containers.conf").toString(), "XDG_CONFIG_HOME", root.resolve("config").toString()),
                Duration.ofSeconds(60));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().strip().split("\n")).containsExactly(
                "CapEff: " + capEff(List.of("CAP_KILL")) + " NoNewPrivs: 1 Seccomp: 0 ro", "tmp", "2000000",
                "0 4321", "dev");
    }
}
