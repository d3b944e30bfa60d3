package io.jpod.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.state.ResourceLimits;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KubeResourcesTest {

    @Test
    void quantitiesInTheirUnits() {
        assertThat(KubeResources.quantity("c", "x", "64Mi")).isEqualByComparingTo(BigDecimal.valueOf(67108864));
        assertThat(KubeResources.quantity("c", "x", "1G")).isEqualByComparingTo(BigDecimal.valueOf(1_000_000_000));
        assertThat(KubeResources.quantity("c", "x", "500m")).isEqualByComparingTo(new BigDecimal("0.5"));
        assertThat(KubeResources.quantity("c", "x", 2)).isEqualByComparingTo(BigDecimal.valueOf(2));
        assertThat(KubeResources.quantity("c", "x", "1.5")).isEqualByComparingTo(new BigDecimal("1.5"));
        assertThat(KubeResources.quantity("c", "x", "12e3")).isEqualByComparingTo(BigDecimal.valueOf(12000));
        assertThatThrownBy(() -> KubeResources.quantity("c", "limits.memory", "lots"))
                .isInstanceOf(EngineException.class).hasMessageContaining("limits.memory");
        assertThatThrownBy(() -> KubeResources.quantity("c", "limits.cpu", "0")).hasMessageContaining("positive");
    }

    @Test
    void limitsAndRequestsAsPodmanMapsThem() {
        ResourceLimits r = KubeResources.of("app", Map.of("limits", Map.of("memory", "128Mi", "cpu", "1.5"),
                "requests", Map.of("cpu", "100m", "memory", "64Mi")));
        assertThat(r.memory()).isEqualTo(134217728L);
        assertThat(r.memoryReservation()).isEqualTo(67108864L);
        assertThat(r.cpuQuota()).isEqualTo(150000L);
        assertThat(r.cpuPeriod()).isEqualTo(100000L);
        assertThat(r.cpuShares()).isEqualTo(102L);
        // generate kube writes them so that play reads the same limits back
        assertThat(KubeResources.of("app", KubeResources.toYaml(r))).isEqualTo(r);
        assertThat(KubeResources.toYaml(ResourceLimits.NONE)).isNull();
        assertThat(KubeResources.of("app", null)).isEqualTo(ResourceLimits.NONE);
        assertThat(KubeResources.of("app", Map.of("requests", Map.of("cpu", "1m"))).cpuShares()).isEqualTo(2L);
        assertThatThrownBy(() -> KubeResources.of("app", Map.of("limits", Map.of("ephemeral-storage", "1Gi"))))
                .hasMessageContaining("resources.limits.ephemeral-storage cannot be honoured");
    }
}
