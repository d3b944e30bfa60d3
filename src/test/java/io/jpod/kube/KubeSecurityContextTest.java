package io.jpod.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A container's securityContext in play kube: honoured or refused, never dropped. */
class KubeSecurityContextTest {

    @Test
    void mapsToCreatesSecurityOptions() {
        CreateRequest.SecurityRequest s = PodSpecReader.security(Map.of("privileged", true, "capabilities",
                Map.of("add", List.of("NET_ADMIN"), "drop", List.of("ALL")), "readOnlyRootFilesystem", true,
                "allowPrivilegeEscalation", false, "seccompProfile", Map.of("type", "Unconfined"), "runAsUser", 1000));
        assertThat(s.privileged()).isTrue();
        assertThat(s.capAdd()).containsExactly("NET_ADMIN");
        assertThat(s.capDrop()).containsExactly("ALL");
        assertThat(s.readOnly()).isTrue();
        assertThat(s.securityOpt()).containsExactly("no-new-privileges", "seccomp=unconfined");
        assertThat(PodSpecReader.security(Map.of())).isEqualTo(CreateRequest.SecurityRequest.NONE);
    }

    @Test
    void whatCannotBeHonouredIsRefused() {
        for (Map<String, Object> sc : List.<Map<String, Object>>of(Map.of("seLinuxOptions", Map.of("type", "x")),
                Map.of("appArmorProfile", Map.of("type", "Localhost")),
                Map.of("seccompProfile", Map.of("type", "Localhost")))) {
            assertThatThrownBy(() -> PodSpecReader.security(sc)).as(sc.toString())
                    .isInstanceOf(EngineException.class).hasMessageContaining("not supported");
        }
    }
}
