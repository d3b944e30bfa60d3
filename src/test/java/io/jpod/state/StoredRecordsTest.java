package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Records written by an older jpod still read after fields were added to them. */
class StoredRecordsTest {

    @Test
    void aRunConfigWithoutLaterFieldsReadsWithDefaults() {
        // as stored before "stdin" existed, plus a field this version does not know
        String old = "{\"id\":\"abc\",\"name\":\"old\",\"namespace\":\"\",\"podId\":null,\"lockId\":3,"
                + "\"created\":\"2026-11-29T10:00:00Z\",\"rootfsImageId\":\"img\",\"rootfsImageName\":\"busybox\","
                + "\"command\":[\"sh\"],\"labels\":{},\"infra\":false,\"run\":{\"args\":[\"sh\"],\"env\":[],"
                + "\"workingDir\":\"/\",\"user\":\"\",\"tty\":false,\"stopSignal\":15,\"stopTimeout\":10,"
                + "\"hostname\":\"h\",\"restartPolicy\":\"\",\"autoRemove\":true,\"fromTheFuture\":1}}";
        ContainerConfig c = StateRecords.forStoredRecords(JsonMapper.builder().build()).readValue(old,
                ContainerConfig.class);
        assertThat(c.name()).isEqualTo("old");
        assertThat(c.run().autoRemove()).isTrue();
        assertThat(c.run().stdin()).isFalse();
        // from before security options: the defaults, nothing more
        assertThat(c.run().security()).isEqualTo(ContainerConfig.Security.DEFAULT);
    }

    @Test
    void securitySettingsRoundTrip() {
        JsonMapper json = StateRecords.forStoredRecords(JsonMapper.builder().build());
        ContainerConfig.RunConfig run = new ContainerConfig.RunConfig(java.util.List.of("sh"), null, null, null,
                false, 15, 10, "h", null, false, false, null, "bridge", null, null,
                new ContainerConfig.Security(true, java.util.List.of("CAP_NET_ADMIN"), java.util.List.of("ALL"), true,
                        "unconfined", java.util.List.of("seccomp=unconfined"), true, false,
                        java.util.List.of(new ContainerConfig.Device("/dev/fuse", "/dev/f", "rw")),
                        java.util.List.of("audio"), java.util.Map.of("kernel.shmmax", "1"), "host", "host",
                        "container:abc", ""));
        assertThat(json.readValue(json.writeValueAsString(run), ContainerConfig.RunConfig.class)).isEqualTo(run);
    }
}
