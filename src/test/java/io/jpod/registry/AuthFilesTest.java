package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFilesTest {

    @TempDir
    Path tmp;

    private static String auth(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private Path write(String relative, String json) throws Exception {
        Path f = tmp.resolve(relative);
        Files.createDirectories(f.getParent());
        return Files.writeString(f, json);
    }

    private Map<String, String> env() {
        return Map.of("HOME", tmp.resolve("home").toString(), "XDG_RUNTIME_DIR", tmp.resolve("run").toString(),
                "REGISTRY_AUTH_FILE", tmp.resolve("explicit.json").toString());
    }

    @Test
    void theFirstFileWithAnEntryForTheRegistryWins() throws Exception {
        write("explicit.json", "{\"auths\":{\"only.example\":{\"auth\":\"" + auth("e", "1") + "\"}}}");
        write("run/containers/auth.json", "{\"auths\":{\"quay.io\":{\"auth\":\"" + auth("run", "2") + "\"}}}");
        write("home/.config/containers/auth.json", "{\"auths\":{\"quay.io\":{\"auth\":\"" + auth("cfg", "3")
                + "\"},\"ghcr.io\":{\"auth\":\"" + auth("cfg", "4") + "\"}}}");
        write("home/.docker/config.json", "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\""
                + auth("hub", "pa:ss") + "\"},\"ghcr.io\":{\"auth\":\"" + auth("docker", "5") + "\"},"
                + "\"localhost:5000\":{\"identitytoken\":\"tok\"}}}");
        AuthFiles files = new AuthFiles(env());
        assertThat(files.credentials("only.example")).isEqualTo(Credentials.basic("e", "1"));
        assertThat(files.credentials("quay.io")).isEqualTo(Credentials.basic("run", "2"));
        assertThat(files.credentials("ghcr.io")).isEqualTo(Credentials.basic("cfg", "4"));
        assertThat(files.credentials("docker.io")).isEqualTo(Credentials.basic("hub", "pa:ss"));
        assertThat(files.credentials("registry-1.docker.io")).isEqualTo(Credentials.basic("hub", "pa:ss"));
        assertThat(files.credentials("localhost:5000")).isEqualTo(new Credentials("", "", "tok"));
        assertThat(files.credentials("nowhere.example")).isEqualTo(Credentials.NONE);
    }

    @Test
    void dockerConfigReplacesTheHomeDockerDirectory() throws Exception {
        write("home/.docker/config.json", "{\"auths\":{\"quay.io\":{\"auth\":\"" + auth("home", "1") + "\"}}}");
        write("dc/config.json", "{\"auths\":{\"https://quay.io\":{\"auth\":\"" + auth("dc", "2") + "\"}}}");
        assertThat(new AuthFiles(Map.of("HOME", tmp.resolve("home").toString())).credentials("quay.io"))
                .isEqualTo(Credentials.basic("home", "1"));
        assertThat(new AuthFiles(Map.of("HOME", tmp.resolve("home").toString(), "DOCKER_CONFIG",
                tmp.resolve("dc").toString())).credentials("quay.io")).isEqualTo(Credentials.basic("dc", "2"));
        assertThat(new AuthFiles(Map.of()).files()).isEmpty();
    }

    @Test
    void credentialHelpersAreRefusedNotIgnored() throws Exception {
        write("home/.docker/config.json", """
                {"auths": {"quay.io": {}, "plain.example": {"auth": "%s"}},
                 "credHelpers": {"gcr.io": "gcloud"},
                 "credsStore": "desktop"}
                """.formatted(auth("u", "p")));
        AuthFiles files = new AuthFiles(Map.of("HOME", tmp.resolve("home").toString()));
        assertThatThrownBy(() -> files.credentials("gcr.io")).isInstanceOf(EngineException.class)
                .hasMessageStartingWith("credential helper docker-credential-gcloud is not supported: ")
                .extracting(e -> ((EngineException) e).category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT);
        assertThatThrownBy(() -> files.credentials("quay.io"))
                .hasMessageStartingWith("credential helper docker-credential-desktop is not supported: ");
        assertThat(files.credentials("plain.example")).isEqualTo(Credentials.basic("u", "p"));
    }

    @Test
    void aBrokenFileIsNamedWithoutQuotingIt() throws Exception {
        Path f = write("home/.config/containers/auth.json", "{\"auths\": {\"quay.io\": {\"auth\": \"s3cret\"");
        AuthFiles files = new AuthFiles(Map.of("HOME", tmp.resolve("home").toString()));
        assertThatThrownBy(() -> files.credentials("quay.io")).hasMessageContaining(f.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
        write("home/.config/containers/auth.json", "{\"auths\": {\"quay.io\": {\"auth\": \"not base64!\"}}}");
        assertThatThrownBy(() -> files.credentials("quay.io")).hasMessageContaining("not base64")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("not base64!"));
    }

    @Test
    void keysAreNormalised() {
        assertThat(AuthFiles.normalise("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(AuthFiles.normalise("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
        assertThat(AuthFiles.normalise("quay.io/namespace")).isEqualTo("quay.io/namespace");
    }
}
