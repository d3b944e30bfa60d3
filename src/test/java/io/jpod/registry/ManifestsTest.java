package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading manifests: media types, platform choice in an index, refusals. */
class ManifestsTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    static JsonNode json(String s) {
        return JSON.readTree(s);
    }

    @Test
    void mediaTypeFromTheHeaderOrTheBody() {
        JsonNode body = json("{\"schemaVersion\":2,\"mediaType\":\"" + Manifests.DOCKER_V2 + "\"}");
        assertThat(Manifests.mediaType(Manifests.OCI_MANIFEST + "; charset=utf-8", body)).isEqualTo(Manifests.OCI_MANIFEST);
        assertThat(Manifests.mediaType("application/json", body)).isEqualTo(Manifests.DOCKER_V2);
        assertThat(Manifests.mediaType("", json("{\"schemaVersion\":1}"))).isEqualTo(Manifests.DOCKER_V1);
        assertThat(Manifests.mediaType("", json("{\"schemaVersion\":2,\"manifests\":[]}"))).isEqualTo(Manifests.OCI_INDEX);
    }

    @Test
    void schemaOneAndArtifactsAreRefusedClearly() {
        assertThatThrownBy(() -> Manifests.refuseUnknown(Manifests.DOCKER_V1_SIGNED, "x"))
                .isInstanceOf(EngineException.class).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> Manifests.refuseUnknown("application/vnd.cncf.helm.config.v1+json", "x"))
                .hasMessageContaining("not a container image");
    }

    @Test
    void anIndexGivesTheEntryForThePlatform() {
        JsonNode index = json("""
                {"manifests":[
                  {"digest":"sha256:aa","size":1,"mediaType":"m","platform":{"os":"linux","architecture":"arm","variant":"v7"}},
                  {"digest":"sha256:bb","size":2,"mediaType":"m","platform":{"os":"linux","architecture":"amd64"}},
                  {"digest":"sha256:cc","size":3,"mediaType":"m","platform":{"os":"unknown","architecture":"unknown"}},
                  {"digest":"sha256:dd","size":4,"mediaType":"m","platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]}
                """);
        assertThat(Manifests.choose(index, Platform.parse("linux/amd64"), "x").digest()).isEqualTo("sha256:bb");
        assertThat(Manifests.choose(index, Platform.parse("linux/aarch64"), "x").digest()).isEqualTo("sha256:dd");
        assertThat(Manifests.choose(index, Platform.parse("linux/arm/v7"), "x").digest()).isEqualTo("sha256:aa");
        assertThatThrownBy(() -> Manifests.choose(index, Platform.parse("linux/s390x"), "x"))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.NOT_FOUND))
                .hasMessageContaining("linux/arm/v7, linux/amd64, linux/arm64/v8");
    }

    @Test
    void zstdAndForeignLayersAreRefused() {
        assertThatThrownBy(() -> Manifests.image(json("""
                {"config":{"digest":"sha256:c"},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+zstd",
                "digest":"sha256:l","size":1}]}"""), "x")).hasMessageContaining("zstd");
        assertThat(Manifests.image(json("""
                {"config":{"digest":"sha256:c","size":5},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",
                "digest":"sha256:l","size":1}]}"""), "x").layers()).hasSize(1);
    }

    @Test
    void platformsParseAndBadOnesAreRefused() {
        assertThat(Platform.parse("linux/x86_64").architecture()).isEqualTo("amd64");
        assertThat(Platform.parse("").os()).isEqualTo("linux");
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("os/arch");
    }

    @Test
    void challengesParse() {
        Challenge c = Challenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"");
        assertThat(c.bearer()).isTrue();
        assertThat(c.params()).containsEntry("realm", "https://auth.example/token")
                .containsEntry("service", "registry.example").containsEntry("scope", "repository:a/b:pull,push");
        assertThat(Challenge.parse("Basic realm=\"Registry Realm\"").basic()).isTrue();
        assertThat(Challenge.parse(null).scheme()).isEmpty();
    }
}
