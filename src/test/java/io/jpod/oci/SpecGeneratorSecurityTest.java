package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the security settings make of config.json. */
class SpecGeneratorSecurityTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DeviceNode NULL_DEVICE = new DeviceNode("/dev/n", "c", 1, 3, 0666, 0, 0, "rw");

    private static JsonNode spec(int uid, SpecOptions.Security security) {
        return JSON.valueToTree(new SpecGenerator(JSON).generate(new SpecOptions("id", "h", List.of("sh"),
                List.of(), "/", uid, uid, List.of(), false, Path.of("/r"), "/p", 0, 1024, 1024, List.of(), false,
                null, List.of(), Map.of(), security)));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.isString() ? n.asString() : n.path("destination").asString()));
        return out;
    }

    @Test
    void theDefaultsAreLibpods() {
        JsonNode s = spec(0, null);
        assertThat(strings(s.path("process").path("capabilities").path("effective")))
                .isEqualTo(SpecGenerator.DEFAULT_CAPABILITIES);
        assertThat(s.path("process").path("noNewPrivileges").asBoolean()).isFalse();
        assertThat(s.path("root").path("readonly").asBoolean()).isFalse();
        assertThat(strings(s.path("linux").path("maskedPaths"))).contains("/proc/kcore");
        assertThat(strings(s.path("linux").path("readonlyPaths"))).contains("/proc/sys");
        assertThat(s.path("linux").path("resources").path("devices")).hasSize(1);
        assertThat(s.path("linux").path("resources").path("devices").get(0).path("allow").asBoolean()).isFalse();
        assertThat(strings(s.path("mounts"))).doesNotContain("/tmp", "/run");
    }

    @Test
    void aNonRootProcessHasOnlyWhatWasAddedInEffect() {
        JsonNode caps = spec(1000, new SpecOptions.Security(List.of("CAP_CHOWN", "CAP_NET_ADMIN"),
                List.of("CAP_NET_ADMIN"), false, true, false, true, List.of(), Map.of()))
                .path("process").path("capabilities");
        assertThat(strings(caps.path("bounding"))).containsExactly("CAP_CHOWN", "CAP_NET_ADMIN");
        for (String set : List.of("effective", "permitted", "inheritable", "ambient")) {
            assertThat(strings(caps.path(set))).as(set).containsExactly("CAP_NET_ADMIN");
        }
    }

    @Test
    void privilegedUnmasksAndAllowsEveryDevice() {
        JsonNode s = spec(0, new SpecOptions.Security(Capabilities.KNOWN, List.of(), true, false, false, true,
                List.of(NULL_DEVICE), Map.of()));
        assertThat(s.path("linux").path("maskedPaths")).isEmpty();
        assertThat(s.path("linux").path("readonlyPaths")).isEmpty();
        JsonNode rules = s.path("linux").path("resources").path("devices");
        assertThat(rules).hasSize(1);
        assertThat(rules.get(0).path("allow").asBoolean()).isTrue();
        assertThat(s.path("linux").path("devices").get(0).path("path").asString()).isEqualTo("/dev/n");
        for (JsonNode m : s.path("mounts")) {
            if (m.path("destination").asString().equals("/sys")) {
                assertThat(strings(m.path("options"))).contains("rw").doesNotContain("ro");
            }
        }
    }

    @Test
    void readOnlyRootDevicesSysctlsAndNoNewPrivileges() {
        JsonNode s = spec(0, new SpecOptions.Security(SpecGenerator.DEFAULT_CAPABILITIES, List.of(), false, true, true,
                true, List.of(NULL_DEVICE), Map.of("kernel.shmmax", "1000")));
        assertThat(s.path("root").path("readonly").asBoolean()).isTrue();
        assertThat(strings(s.path("mounts"))).contains("/run", "/tmp", "/var/tmp");
        assertThat(s.path("process").path("noNewPrivileges").asBoolean()).isTrue();
        assertThat(s.path("linux").path("sysctl").path("kernel.shmmax").asString()).isEqualTo("1000");
        JsonNode rules = s.path("linux").path("resources").path("devices");
        assertThat(rules).hasSize(2);
        assertThat(rules.get(1).path("major").asInt()).isEqualTo(1);
        assertThat(rules.get(1).path("minor").asInt()).isEqualTo(3);
        assertThat(rules.get(1).path("access").asString()).isEqualTo("rw");
        // without the tmpfs option the whole root stays read-only
        JsonNode plain = spec(0, new SpecOptions.Security(SpecGenerator.DEFAULT_CAPABILITIES, List.of(), false, false,
                true, false, List.of(), Map.of()));
        assertThat(strings(plain.path("mounts"))).doesNotContain("/tmp");
    }

    @Test
    void aHostDeviceIsReadWithItsNumbers() {
        DeviceNode d = DeviceNode.of(Path.of("/dev/null"), "/dev/x", "rwm");
        assertThat(d).isEqualTo(new DeviceNode("/dev/x", "c", 1, 3, 0666, 0, 0, "rwm"));
    }
}
