package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.state.ContainerConfig.Device;
import io.jpod.state.ContainerConfig.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** Checking and normalising the security options at create. */
class ContainerSecurityTest {

    private final ContainerSecurity security = new ContainerSecurity(null, JsonMapper.builder().build());

    private Security plan(List<String> securityOpt) {
        return security.plan(new CreateRequest.SecurityRequest(false, null, null, securityOpt, false, null, null,
                null, null, null, null, null, null), "bridge", null);
    }

    private static void refused(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT))
                .hasMessageContaining(message);
    }

    @Test
    void theDefaultsGiveNothingExtra() {
        Security s = plan(List.of());
        assertThat(s).isEqualTo(Security.DEFAULT);
        assertThat(ContainerSecurity.capabilities(s))
                .containsExactlyInAnyOrderElementsOf(io.jpod.oci.SpecGenerator.DEFAULT_CAPABILITIES);
    }

    @Test
    void securityOptionsInBothSpellings() {
        assertThat(plan(List.of("no-new-privileges")).noNewPrivileges()).isTrue();
        assertThat(plan(List.of("no-new-privileges:true")).noNewPrivileges()).isTrue();
        assertThat(plan(List.of("no-new-privileges=false")).noNewPrivileges()).isFalse();
        assertThat(plan(List.of("seccomp=unconfined")).seccomp()).isEqualTo("unconfined");
        assertThat(plan(List.of("seccomp:unconfined")).seccomp()).isEqualTo("unconfined");
        assertThat(plan(List.of("label=disable", "apparmor=unconfined")).securityOpt())
                .containsExactly("label=disable", "apparmor=unconfined");
        String profile = "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}";
        assertThat(plan(List.of("seccomp=" + profile)).seccomp()).isEqualTo(profile);
        refused(() -> plan(List.of("no-new-privileges=maybe")), "no-new-privileges");
        refused(() -> plan(List.of("seccomp={\"syscalls\":[]}")), "has no defaultAction");
        refused(() -> plan(List.of("seccomp={bad")), "not valid JSON");
        refused(() -> plan(List.of("seccomp=relative.json")), "absolute path");
        refused(() -> plan(List.of("label=type:spc_t")), "SELinux");
        refused(() -> plan(List.of("apparmor=docker-default")), "AppArmor");
        refused(() -> plan(List.of("systempaths=unconfined")), "is not supported");
    }

    @Test
    void aProfileFileOnTheDaemonsHost(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("p.json");
        Files.writeString(f, "{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
        assertThat(plan(List.of("seccomp=" + f)).seccomp()).isEqualTo("{\"defaultAction\":\"SCMP_ACT_ERRNO\"}");
        refused(() -> plan(List.of("seccomp=" + dir.resolve("none.json"))), "cannot be read");
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "hunter2:x:0");
        assertThatThrownBy(() -> plan(List.of("seccomp=" + secret))).hasMessageNotContaining("hunter2")
                .hasMessageContaining("is not a valid profile");
    }

    @Test
    void capabilitiesAreNormalisedAndUnknownOnesRefused() {
        Security s = security.plan(new CreateRequest.SecurityRequest(false, List.of("net_admin"),
                List.of("cap_chown"), null, false, null, null, null, null, null, null, null, null), "bridge", null);
        assertThat(s.capAdd()).containsExactly("CAP_NET_ADMIN");
        assertThat(s.capDrop()).containsExactly("CAP_CHOWN");
        assertThat(ContainerSecurity.capabilities(s)).contains("CAP_NET_ADMIN").doesNotContain("CAP_CHOWN");
        refused(() -> security.plan(new CreateRequest.SecurityRequest(false, List.of("NOT_A_CAP"), null, null, false,
                null, null, null, null, null, null, null, null), "bridge", null), "unknown capability \"NOT_A_CAP\"");
    }

    @Test
    void namespaceModesAndUserNamespaces() {
        Security s = security.plan(new CreateRequest.SecurityRequest(false, null, null, null, false, null, null, null,
                null, "host", "host", "shareable", "private"), "bridge", null);
        assertThat(List.of(s.userns(), s.pidMode(), s.ipcMode(), s.utsMode())).containsExactly("host", "host", "", "");
        refused(() -> security.plan(new CreateRequest.SecurityRequest(false, null, null, null, false, null, null,
                null, null, "keep-id", null, null, null), "bridge", null), "user namespace mode");
        refused(() -> security.plan(new CreateRequest.SecurityRequest(false, null, null, null, false, null, null,
                null, null, null, "ns:/proc/1/ns/pid", null, null), "bridge", null), "unknown pid namespace mode");
    }

    @Test
    void devicesInTheirShortForms() {
        assertThat(ContainerSecurity.device("/dev/null")).isEqualTo(new Device("/dev/null", "/dev/null", "rwm"));
        assertThat(ContainerSecurity.device("/dev/null:r")).isEqualTo(new Device("/dev/null", "/dev/null", "r"));
        assertThat(ContainerSecurity.device("/dev/null:/dev/x")).isEqualTo(new Device("/dev/null", "/dev/x", "rwm"));
        assertThat(ContainerSecurity.device("/dev/null:/dev/x:rw")).isEqualTo(new Device("/dev/null", "/dev/x", "rw"));
        refused(() -> ContainerSecurity.device("/dev/null:/dev/x:rwx"), "permissions");
        refused(() -> ContainerSecurity.device("/etc/passwd"), "not a device node");
        refused(() -> ContainerSecurity.device("/dev/nosuch"), "cannot be used");
        refused(() -> ContainerSecurity.device("null"), "absolute");
    }

    @Test
    void onlyNamespacedSysctlsInNamespacesOfTheirOwn() {
        ContainerSecurity.checkSysctl("net.ipv4.ip_forward", "bridge", "");
        ContainerSecurity.checkSysctl("net.core.somaxconn", "pod", "");
        ContainerSecurity.checkSysctl("kernel.shmmax", "host", "");
        ContainerSecurity.checkSysctl("fs.mqueue.msg_max", "none", "");
        ContainerSecurity.checkSysctl("kernel.sem", "none", "");
        refused(() -> ContainerSecurity.checkSysctl("net.ipv4.ip_forward", "host", ""), "host's network");
        refused(() -> ContainerSecurity.checkSysctl("net.ipv4.ip_forward", "container:abc", ""), "other container");
        refused(() -> ContainerSecurity.checkSysctl("kernel.shmmax", "bridge", "host"), "host's IPC");
        refused(() -> ContainerSecurity.checkSysctl("vm.swappiness", "bridge", ""), "not namespaced");
        refused(() -> ContainerSecurity.checkSysctl("kernel.hostname", "bridge", ""), "not namespaced");
        refused(() -> ContainerSecurity.checkSysctl("net/../../x", "bridge", ""), "invalid sysctl");
    }

    @Test
    void groupsByNumberOrByNameInTheContainersGroupFile(@TempDir Path rootfs) throws Exception {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\naudio:x:29:\n");
        Security s = new Security(false, null, null, false, null, null, false, true, null,
                List.of("1234", "audio", "29"), Map.of(), null, null, null, null);
        assertThat(ContainerSecurity.groups(rootfs, s)).containsExactly(1234, 29);
        Security unknown = new Security(false, null, null, false, null, null, false, true, null, List.of("video"),
                Map.of(), null, null, null, null);
        refused(() -> ContainerSecurity.groups(rootfs, unknown), "unable to find group video");
    }

    @Test
    void theHostsIpcNamespaceBringsItsDevShm() {
        assertThat(ContainerSecurity.shmMount(null)).isNull();
        assertThat(ContainerSecurity.shmMount("host").source()).isEqualTo("/dev/shm");
        assertThat(ContainerSecurity.shmMount("host").destination()).isEqualTo("/dev/shm");
        assertThat(ContainerSecurity.shmMount("/proc/42/ns/ipc")).isNull();
    }
}
