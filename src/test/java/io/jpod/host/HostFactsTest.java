package io.jpod.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostFactsTest {

    @TempDir
    Path tmp;

    @Test
    void readsProcAndOsRelease() throws Exception {
        Files.createDirectories(tmp.resolve("proc/sys/kernel/random"));
        Files.createDirectories(tmp.resolve("etc"));
        Files.writeString(tmp.resolve("proc/sys/kernel/osrelease"), "6.1.0-test\n");
        Files.writeString(tmp.resolve("proc/sys/kernel/hostname"), "box\n");
        Files.writeString(tmp.resolve("proc/meminfo"), "MemTotal:       1000 kB\nMemFree:  10 kB\nSwapTotal: 0 kB\n");
        Files.writeString(tmp.resolve("proc/uptime"), "93784.50 1000.00\n");
        Files.writeString(tmp.resolve("etc/os-release"), "NAME=\"Debian\"\nID=debian\nVERSION_ID=\"12\"\n");
        HostFacts f = new HostFacts(tmp.resolve("proc"), tmp.resolve("etc"));
        assertThat(f.kernel()).isEqualTo("6.1.0-test");
        assertThat(f.hostname()).isEqualTo("box");
        assertThat(f.memory()).containsEntry("MemTotal", 1_024_000L).containsEntry("MemFree", 10_240L)
                .containsEntry("SwapTotal", 0L);
        assertThat(f.distribution()).containsEntry("distribution", "debian").containsEntry("version", "12");
        assertThat(f.uptimeSeconds()).isEqualTo(93784.5);
    }

    @Test
    void missingOsReleaseIsUnknown() {
        HostFacts f = new HostFacts(tmp, tmp);
        assertThat(f.distribution()).containsEntry("distribution", "unknown");
        assertThat(f.kernel()).isEmpty();
    }

    @Test
    void uptimeIsFormattedLikeLibpod() {
        assertThat(HostFacts.formatUptime(93784.5)).isEqualTo("26h 3m 4.50s (Approximately 1.08 days)");
        assertThat(HostFacts.formatUptime(65.25)).isEqualTo("1m 5.25s");
        assertThat(HostFacts.formatUptime(5)).isEqualTo("5.00s");
    }

    @Test
    void systemdIsInitOnlyWhenPid1IsSystemd() throws Exception {
        Files.createDirectories(tmp.resolve("1"));
        Files.writeString(tmp.resolve("1/comm"), "systemd\n");
        assertThat(Cgroups.systemdIsInit(tmp)).isTrue();
        Files.writeString(tmp.resolve("1/comm"), "tini\n");
        assertThat(Cgroups.systemdIsInit(tmp)).isFalse();
    }
}
