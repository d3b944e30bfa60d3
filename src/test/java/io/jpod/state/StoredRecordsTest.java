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
    }
}
