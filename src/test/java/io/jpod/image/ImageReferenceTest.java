package io.jpod.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {

    @ParameterizedTest
    @CsvSource({
        "busybox, docker.io/library/busybox:latest, busybox:latest",
        "busybox:1.36, docker.io/library/busybox:1.36, busybox:1.36",
        "me/app, docker.io/me/app:latest, me/app:latest",
        "localhost/app:v1, localhost/app:v1, localhost/app:v1",
        "127.0.0.1:5000/team/app:2, 127.0.0.1:5000/team/app:2, 127.0.0.1:5000/team/app:2",
        "quay.io/podman/hello, quay.io/podman/hello:latest, quay.io/podman/hello:latest"
    })
    void namesAreNormalisedAsPodmanStoresThem(String in, String full, String familiar) {
        ImageReference ref = ImageReference.parse(in);
        assertThat(ref.toString()).isEqualTo(full);
        assertThat(ref.familiar()).isEqualTo(familiar);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "a b", "app:", "app:bad tag", "-lead", "x@sha256:abc", "a//b"})
    void malformedNamesAreRejected(String in) {
        assertThatThrownBy(() -> ImageReference.parse(in)).isInstanceOfSatisfying(EngineException.class,
                e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT));
    }
}
