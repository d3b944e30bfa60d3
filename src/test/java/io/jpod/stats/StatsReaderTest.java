package io.jpod.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reader on made-up /proc and cgroup trees: v1 (hybrid, a mount rooted in a sub-tree) and v2. */
class StatsReaderTest {

    @TempDir
    Path dir;

    static void write(Path f, String text) throws IOException {
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    void proc(String cgroup, String mountinfo) throws IOException {
        Path proc = dir.resolve("proc");
        write(proc.resolve("42/cgroup"), cgroup);
        write(proc.resolve("self/mountinfo"), mountinfo);
        write(proc.resolve("meminfo"), "MemTotal:        2000000 kB\nMemFree: 1 kB\n");
        write(proc.resolve("stat"), "cpu  100 0 50 1000 0 0 0 0 0 0\ncpu0 50 0 25 500 0 0 0 0 0 0\n"
                + "cpu1 50 0 25 500 0 0 0 0 0 0\nintr 1\n");
        write(proc.resolve("42/net/dev"), """
                Inter-|   Receive                                                |  Transmit
                 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                    lo:    999       9    0    0    0     0          0         0      999       9    0    0    0     0       0          0
                  eth0:   1500      10    1    2    0     0          0         0     3000      20    3    4    0     0       0          0
                """);
    }

    @Test
    void cgroupV1Hybrid() throws Exception {
        Path cg = dir.resolve("cg");
        // the memory hierarchy is mounted from a sub-tree (/outer), as inside a container
        proc("9:pids:/c1\n4:memory:/outer/c1\n2:cpuacct:/c1\n1:cpu:/c1\n7:blkio:/c1\n0::/\n",
                "31 23 0:28 / " + cg + " rw - tmpfs tmpfs rw\n"
                + "32 31 0:29 / " + cg + "/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                + "33 31 0:30 / " + cg + "/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
                + "35 31 0:32 /outer " + cg + "/memory rw,relatime - cgroup cgroup rw,memory\n"
                + "38 31 0:35 / " + cg + "/blkio rw,relatime - cgroup cgroup rw,blkio\n"
                + "39 31 0:36 / " + cg + "/pids rw,relatime - cgroup cgroup rw,pids\n"
                + "41 31 0:38 / " + cg + "/unified rw,relatime - cgroup2 cgroup2 rw\n");
        write(cg.resolve("cpuacct/c1/cpuacct.usage"), "3000000000\n");
        write(cg.resolve("cpuacct/c1/cpuacct.usage_percpu"), "1000000000 2000000000 \n");
        write(cg.resolve("cpuacct/c1/cpuacct.stat"), "user 200\nsystem 100\n");
        write(cg.resolve("cpu/c1/cpu.stat"), "nr_periods 5\nnr_throttled 2\nthrottled_time 777\n");
        write(cg.resolve("memory/c1/memory.usage_in_bytes"), "5000000\n");
        write(cg.resolve("memory/c1/memory.max_usage_in_bytes"), "6000000\n");
        write(cg.resolve("memory/c1/memory.limit_in_bytes"), "9223372036854771712\n");
        write(cg.resolve("memory/c1/memory.stat"), "cache 100\nrss 200\ntotal_inactive_file 1000000\n");
        write(cg.resolve("pids/c1/pids.current"), "3\n");
        write(cg.resolve("pids/c1/pids.max"), "max\n");
        write(cg.resolve("blkio/c1/blkio.io_service_bytes_recursive"), "Total 0\n");
        write(cg.resolve("blkio/c1/blkio.throttle.io_service_bytes_recursive"),
                "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\nTotal 12288\n");

        CgroupSample s = new StatsReader(dir.resolve("proc")).read(42);

        assertThat(s.isEmpty()).isFalse();
        assertThat(s.cpu()).isEqualTo(new CgroupSample.Cpu(3_000_000_000L, List.of(1_000_000_000L, 2_000_000_000L),
                1_000_000_000L, 2_000_000_000L, 5, 2, 777));
        // the unlimited cgroup's limit is the host's memory
        assertThat(s.memory().limit()).isEqualTo(2_000_000L * 1024);
        assertThat(s.memory().usage()).isEqualTo(5_000_000);
        assertThat(s.memory().maxUsage()).isEqualTo(6_000_000);
        assertThat(s.memory().workingSet()).isEqualTo(4_000_000);
        assertThat(s.memory().stats()).containsEntry("rss", 200L);
        assertThat(s.pids()).isEqualTo(new CgroupSample.Pids(3, 0));
        assertThat(s.blockRead()).isEqualTo(4096);
        assertThat(s.blockWritten()).isEqualTo(8192);
        assertThat(s.networks()).containsOnlyKeys("eth0");
        assertThat(s.networks().get("eth0")).isEqualTo(new CgroupSample.Network(1500, 10, 1, 2, 3000, 20, 3, 4));
        assertThat(s.systemCpu()).isEqualTo(1150L * 10_000_000L);
        assertThat(s.onlineCpus()).isEqualTo(2);
    }

    @Test
    void cgroupV2() throws Exception {
        Path cg = dir.resolve("cg");
        proc("0::/jpod_parent/jpod-x\n", "30 23 0:26 / " + cg + " rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n");
        Path c = cg.resolve("jpod_parent/jpod-x");
        write(c.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n"
                + "nr_throttled 0\nthrottled_usec 0\n");
        write(c.resolve("memory.current"), "4096\n");
        write(c.resolve("memory.max"), "1048576\n");
        write(c.resolve("memory.stat"), "anon 1024\nfile 2048\ninactive_file 1024\n");
        write(c.resolve("pids.current"), "2\n");
        write(c.resolve("pids.max"), "100\n");
        write(c.resolve("io.stat"), "8:0 rbytes=512 wbytes=1024 rios=1 wios=2 dbytes=0 dios=0\n");

        CgroupSample s = new StatsReader(dir.resolve("proc")).read(42);

        assertThat(s.cpu().total()).isEqualTo(1_500_000);
        assertThat(s.cpu().user()).isEqualTo(1_000_000);
        assertThat(s.cpu().perCpu()).isEmpty();
        assertThat(s.memory().limit()).isEqualTo(1_048_576);
        assertThat(s.memory().workingSet()).isEqualTo(3072);
        assertThat(s.pids()).isEqualTo(new CgroupSample.Pids(2, 100));
        assertThat(s.blkio()).containsExactly(new CgroupSample.BlkioEntry(8, 0, "read", 512),
                new CgroupSample.BlkioEntry(8, 0, "write", 1024));
    }

    @Test
    void aProcessThatIsGoneReadsEmpty() throws Exception {
        proc("0::/\n", "");
        assertThat(new StatsReader(dir.resolve("proc")).read(4242).isEmpty()).isTrue();
        assertThat(new StatsReader(dir.resolve("proc")).read(0)).isSameAs(CgroupSample.EMPTY);
    }
}
