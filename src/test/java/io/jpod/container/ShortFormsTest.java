package io.jpod.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.common.PortMapping;
import io.jpod.state.ContainerConfig.Mount;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShortFormsTest {

    @Test
    void volumesAsTheCliWritesThem() {
        assertThat(ShortForms.mount("data:/var/lib/app")).isEqualTo(new Mount("volume", "data", "/var/lib/app",
                List.of()));
        assertThat(ShortForms.mount("/srv/site:/www:ro,rslave")).isEqualTo(new Mount("bind", "/srv/site", "/www",
                List.of("ro", "rslave")));
        assertThat(ShortForms.mount("/cache")).isEqualTo(new Mount("volume", "", "/cache", List.of()));
        assertThatThrownBy(() -> ShortForms.mount("data:relative")).isInstanceOf(EngineException.class)
                .hasMessageContaining("absolute DEST");
        assertThatThrownBy(() -> ShortForms.mount("a:/b:ro:extra")).isInstanceOf(EngineException.class);
    }

    @Test
    void portsAsTheCliWritesThem() {
        assertThat(ShortForms.port("127.0.0.1:8080:80")).isEqualTo(new PortMapping("127.0.0.1", 8080, 80, "tcp"));
        assertThat(ShortForms.port("8080:80/udp")).isEqualTo(new PortMapping("", 8080, 80, "udp"));
        assertThat(ShortForms.port("80")).isEqualTo(new PortMapping("", 0, 80, "tcp"));
        assertThatThrownBy(() -> ShortForms.port("8000-8010:80")).isInstanceOf(EngineException.class)
                .hasMessageContaining("ranges are not supported");
        assertThatThrownBy(() -> ShortForms.port("1:2:3:4")).isInstanceOf(EngineException.class);
        assertThatThrownBy(() -> ShortForms.port("80/icmp")).isInstanceOf(EngineException.class);
    }
}
