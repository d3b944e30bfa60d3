package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SeccompProfileTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path tmp;

    static final String PROFILE = """
            {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
             "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                         {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
             "syscalls": [
               {"names": ["read", "write"], "action": "SCMP_ACT_ALLOW", "includes": {}, "excludes": {}},
               {"names": ["arch_prctl"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["amd64"]}},
               {"names": ["arm_fadvise64_64"], "action": "SCMP_ACT_ALLOW", "includes": {"arches": ["arm64"]}},
               {"names": ["mount"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
               {"names": ["chroot"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "excludes": {"caps": ["CAP_SYS_CHROOT"]}},
               {"names": ["newer"], "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "6.9"}},
               {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
                "args": [{"index": 0, "value": 8, "valueTwo": 0, "op": "SCMP_CMP_EQ"}]}
             ]}
            """;

    @Test
    void keepsOnlyTheRulesForThisHostAndTheseCapabilities() throws Exception {
        Files.writeString(tmp.resolve("seccomp.json"), PROFILE);
        SeccompProfile p = SeccompProfile.find(List.of(tmp.resolve("missing.json"), tmp.resolve("seccomp.json")), JSON);
        assertThat(p.source()).isEqualTo(tmp.resolve("seccomp.json"));
        JsonNode oci = p.toOci(JSON, List.of("CAP_SYS_CHROOT", "CAP_CHOWN"), "amd64", "6.1.0-18-amd64");
        assertThat(oci.path("defaultAction").asString()).isEqualTo("SCMP_ACT_ERRNO");
        assertThat(oci.path("defaultErrnoRet").asInt()).isEqualTo(38);
        assertThat(oci.path("architectures").toString())
                .isEqualTo("[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\",\"SCMP_ARCH_X32\"]");
        List<String> names = oci.path("syscalls").valueStream().map(r -> r.path("names").get(0).asString()).toList();
        // arm-only, CAP_SYS_ADMIN-only, chroot's refusal (the cap is held) and the too-new rule are gone
        assertThat(names).containsExactly("read", "arch_prctl", "personality");
        JsonNode arg = oci.path("syscalls").get(2).path("args").get(0);
        assertThat(arg.path("op").asString()).isEqualTo("SCMP_CMP_EQ");
        assertThat(arg.path("value").asLong()).isEqualTo(8);
        JsonNode withoutChroot = p.toOci(JSON, List.of(), "amd64", "6.10.0");
        assertThat(withoutChroot.path("syscalls").valueStream().map(r -> r.path("names").get(0).asString()))
                .contains("chroot", "newer");
    }

    @Test
    void noProfileIsNullAndABrokenOneIsAClearError() throws Exception {
        assertThat(SeccompProfile.find(List.of(tmp.resolve("none.json")), JSON)).isNull();
        Files.writeString(tmp.resolve("bad.json"), "{not json");
        assertThatThrownBy(() -> SeccompProfile.find(List.of(tmp.resolve("bad.json")), JSON))
                .isInstanceOf(EngineException.class).hasMessageContaining("bad.json");
    }

    @Test
    void kernelVersionsCompareByMajorAndMinor() {
        assertThat(SeccompProfile.compareKernel("6.1.0-18-amd64", "5.8")).isPositive();
        assertThat(SeccompProfile.compareKernel("4.19.0", "4.19")).isZero();
        assertThat(SeccompProfile.compareKernel("4.9", "4.19")).isNegative();
    }
}
