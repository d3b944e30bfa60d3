package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import io.jpod.registry.RegistryAuthHeader.Auth;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RegistryAuthHeaderTest {

    private static final String JSON = "{\"username\":\"me\",\"password\":\"p?ss>>word~\",\"serveraddress\":"
            + "\"127.0.0.1:5000\"}";

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesEveryBase64Flavour() {
        for (String header : new String[] {
                Base64.getUrlEncoder().encodeToString(utf8(JSON)),
                Base64.getUrlEncoder().withoutPadding().encodeToString(utf8(JSON)),
                Base64.getEncoder().encodeToString(utf8(JSON)),
                Base64.getEncoder().withoutPadding().encodeToString(utf8(JSON))}) {
            Auth a = RegistryAuthHeader.decodeAuth(header);
            assertThat(a.serverAddress()).isEqualTo("127.0.0.1:5000");
            assertThat(a.credentials()).isEqualTo(Credentials.basic("me", "p?ss>>word~"));
        }
    }

    @Test
    void tokensAreKept() {
        String json = "{\"identitytoken\":\"refresh\",\"registrytoken\":\"bearer\"}";
        Auth a = RegistryAuthHeader.decodeAuth(Base64.getUrlEncoder().encodeToString(utf8(json)));
        assertThat(a.credentials().identityToken()).isEqualTo("refresh");
        assertThat(a.registryToken()).isEqualTo("bearer");
        assertThat(a.toString()).doesNotContain("refresh").doesNotContain("bearer");
    }

    @Test
    void emptyMeansNoCredentials() {
        assertThat(RegistryAuthHeader.decodeAuth(null)).isEqualTo(Auth.NONE);
        assertThat(RegistryAuthHeader.decodeAuth("")).isEqualTo(Auth.NONE);
        assertThat(RegistryAuthHeader.decodeAuth(Base64.getEncoder().encodeToString(utf8("{}")))).isEqualTo(Auth.NONE);
        assertThat(RegistryAuthHeader.decodeAuth(Base64.getEncoder().encodeToString(utf8("null"))).isEmpty())
                .isTrue();
        assertThat(RegistryAuthHeader.decodeConfig("")).isEmpty();
    }

    @Test
    void malformedHeadersAreInvalidArgumentsThatDoNotEchoThem() {
        String notBase64 = "s3cret!*%";
        String notJson = Base64.getEncoder().encodeToString(utf8("{\"password\": \"s3cret\""));
        String wrongType = Base64.getEncoder().encodeToString(utf8("{\"password\": 42}"));
        String array = Base64.getEncoder().encodeToString(utf8("[\"s3cret\"]"));
        for (String header : new String[] {notBase64, notJson, wrongType, array}) {
            assertThatThrownBy(() -> RegistryAuthHeader.decodeAuth(header)).isInstanceOf(EngineException.class)
                    .satisfies(e -> {
                        assertThat(((EngineException) e).category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
                        assertThat(e.getMessage()).contains("X-Registry-Auth").doesNotContain("s3cret")
                                .doesNotContain(header);
                    });
        }
    }

    @Test
    void toStringNeverShowsThePassword() {
        Auth a = RegistryAuthHeader.decodeAuth(Base64.getEncoder().encodeToString(utf8(JSON)));
        assertThat(a.toString()).contains("me").doesNotContain("p?ss>>word~");
        assertThat(a.credentials().toString()).doesNotContain("p?ss>>word~");
    }

    @Test
    void decodesTheBuildConfigMap() {
        String json = "{\"https://index.docker.io/v1/\":{\"username\":\"hub\",\"password\":\"x\"},"
                + "\"quay.io\":{\"auth\":\"" + Base64.getEncoder().encodeToString(utf8("q:y")) + "\"}}";
        Map<String, Auth> m = RegistryAuthHeader.decodeConfig(Base64.getUrlEncoder().encodeToString(utf8(json)));
        assertThat(m).containsOnlyKeys("docker.io", "quay.io");
        assertThat(m.get("docker.io").credentials()).isEqualTo(Credentials.basic("hub", "x"));
        assertThat(m.get("docker.io").serverAddress()).isEqualTo("https://index.docker.io/v1/");
        assertThat(m.get("quay.io").credentials()).isEqualTo(Credentials.basic("q", "y"));
        assertThatThrownBy(() -> RegistryAuthHeader.decodeConfig(Base64.getEncoder().encodeToString(utf8("{\"a\":1}"))))
                .hasMessageContaining("X-Registry-Config");
    }
}
