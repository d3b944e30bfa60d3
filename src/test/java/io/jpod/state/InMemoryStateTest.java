package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.ConfigException;
import org.junit.jupiter.api.Test;

class InMemoryStateTest extends StateContract {

    @Override
    protected State state() {
        return new InMemoryState();
    }

    @Test
    void dbConfigIsRecordedThenChecked() {
        DbConfig first = new DbConfig("linux", "/s", "/t", "/g", "/r", "overlay", "/v");
        state.validateDbConfig(first);
        assertThat(state.dbConfig()).isEqualTo(first);
        state.validateDbConfig(first);
        assertThatThrownBy(() -> state.validateDbConfig(new DbConfig("linux", "/s", "/t", "/g", "/r", "vfs", "/v")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("database graph driver \"overlay\" does not match our graph driver \"vfs\": database "
                        + "configuration mismatch (the state database was created with other paths; set them back, "
                        + "or move the old state away)");
    }

    @Test
    void closedStateRefusesUse() {
        state.close();
        assertThatThrownBy(() -> state.allContainers()).hasMessageContaining("database connection already closed");
    }
}
