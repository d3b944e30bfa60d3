package io.jpod.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapabilitiesTest {

    private static final List<String> DEFAULTS = SpecGenerator.DEFAULT_CAPABILITIES;

    @Test
    void namesWithOrWithoutPrefixInAnyCase() {
        assertThat(Capabilities.normalize(List.of("net_admin", "CAP_SYS_TIME", "Kill", "all", "CAP_NET_ADMIN")))
                .containsExactly("CAP_NET_ADMIN", "CAP_SYS_TIME", "CAP_KILL", "ALL");
        assertThat(Capabilities.KNOWN).hasSize(41).startsWith("CAP_CHOWN").endsWith("CAP_CHECKPOINT_RESTORE");
    }

    @Test
    void anUnknownNameIsTheClientsMistakeAndNamed() {
        assertThatThrownBy(() -> Capabilities.normalize(List.of("NET_ADMIN", "NOT_A_CAP")))
                .isInstanceOfSatisfying(EngineException.class,
                        e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT))
                .hasMessage("unknown capability \"NOT_A_CAP\"");
    }

    @Test
    void addsAndDropsApplyToTheDefaultSet() {
        List<String> all = Capabilities.KNOWN;
        assertThat(Capabilities.resolve(DEFAULTS, all, List.of(), List.of()))
                .containsExactlyInAnyOrderElementsOf(DEFAULTS);
        assertThat(Capabilities.resolve(DEFAULTS, all, List.of("CAP_NET_ADMIN"), List.of("CAP_CHOWN")))
                .contains("CAP_NET_ADMIN").doesNotContain("CAP_CHOWN").hasSize(DEFAULTS.size());
        assertThat(Capabilities.resolve(DEFAULTS, all, List.of("CAP_KILL"), List.of("ALL")))
                .containsExactly("CAP_KILL");
        assertThat(Capabilities.resolve(DEFAULTS, all, List.of("ALL"), List.of("CAP_SYS_ADMIN")))
                .hasSize(all.size() - 1).doesNotContain("CAP_SYS_ADMIN");
        // kernel order, whatever the order given
        assertThat(Capabilities.resolve(List.of(), all, List.of("CAP_SYS_ADMIN", "CAP_CHOWN"), List.of()))
                .containsExactly("CAP_CHOWN", "CAP_SYS_ADMIN");
    }

    @Test
    void theHostsSetEndsAtItsLastCapability() {
        assertThat(Capabilities.host()).startsWith("CAP_CHOWN").contains("CAP_AUDIT_READ");
    }
}
