package io.jpod.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.container.CreateRequest;
import io.jpod.error.EngineException;
import io.jpod.common.PortMapping;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunFormTest {

    @Test
    void commandsSplitAsAShellWould() {
        assertThat(CommandLine.split("sh -c 'echo \"hi there\"; sleep 1'"))
                .containsExactly("sh", "-c", "echo \"hi there\"; sleep 1");
        assertThat(CommandLine.split("  echo  a\\ b \"c \\\"d\\\"\" ''")).containsExactly("echo", "a b", "c \"d\"", "");
        assertThat(CommandLine.split("")).isEmpty();
        assertThatThrownBy(() -> CommandLine.split("echo 'open")).isInstanceOf(EngineException.class)
                .hasMessageContaining("unclosed");
    }

    @Test
    void theFormBecomesACreateRequest() {
        CreateRequest r = ContainersPage.request(Map.of("image", " busybox ", "name", "web", "command",
                "httpd -f -p 80", "env", "A=1\n\nB=two words\n", "ports", "127.0.0.1:8080:80\n", "volumes",
                "data:/srv", "restart", "on-failure", "pod", ""));
        assertThat(r.image()).isEqualTo("busybox");
        assertThat(r.name()).isEqualTo("web");
        assertThat(r.command()).containsExactly("httpd", "-f", "-p", "80");
        assertThat(r.env()).containsExactly("A=1", "B=two words");
        assertThat(r.network().ports()).containsExactly(new PortMapping("127.0.0.1", 8080, 80, "tcp"));
        assertThat(r.mounts()).hasSize(1);
        assertThat(r.restartPolicy()).isEqualTo("on-failure");
        assertThat(r.pod()).isNull();

        CreateRequest minimal = ContainersPage.request(Map.of("image", "busybox"));
        assertThat(minimal.name()).isNull();
        assertThat(minimal.command()).isNull(); // the image's own
        assertThat(minimal.mounts()).isEqualTo(List.of());
    }

    @Test
    void badFieldsAreRefusedWithTheirValue() {
        assertThatThrownBy(() -> ContainersPage.request(Map.of("image", ""))).hasMessageContaining("choose an image");
        assertThatThrownBy(() -> ContainersPage.request(Map.of("image", "b", "env", "NOVALUE")))
                .hasMessageContaining("NOVALUE");
        assertThatThrownBy(() -> ContainersPage.request(Map.of("image", "b", "ports", "http")))
                .hasMessageContaining("http");
    }

    @Test
    void sizesReadLikeACli() {
        assertThat(Bytes.human(512)).isEqualTo("512 B");
        assertThat(Bytes.human(1536)).isEqualTo("1.5 KiB");
        assertThat(Bytes.human(20L << 30)).isEqualTo("20 GiB");
    }
}
