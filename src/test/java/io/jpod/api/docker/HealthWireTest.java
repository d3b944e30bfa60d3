package io.jpod.api.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.state.ContainerConfig;
import io.jpod.state.ContainerHealth;
import io.jpod.state.ContainerStatus;
import io.jpod.state.StoredContainer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** State.Health, Config.Healthcheck and ps's status text of a container with a healthcheck, in Docker's shape. */
class HealthWireTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static StoredContainer withCheck(ContainerStatus status, ContainerHealth health) {
        StoredContainer c = DockerWireFixtures.container(status);
        var run = c.config().run();
        var checked = new ContainerConfig.RunConfig(run.args(), run.env(), run.workingDir(), run.user(), run.tty(),
                run.stopSignal(), run.stopTimeout(), run.hostname(), run.restartPolicy(), run.autoRemove(),
                run.stdin(), run.mounts(), run.networkMode(), run.networks(), run.ports(), run.security(),
                new ContainerConfig.Healthcheck(List.of("CMD-SHELL", "true"), 1_000_000_000L, 0, 0, 0, 2));
        return new StoredContainer(c.config().withRun(checked), c.state().withHealth(health));
    }

    @Test
    void inspectShowsTheHealthAndTheCheck() {
        Instant t = Instant.parse("2026-01-02T03:04:07Z");
        ContainerHealth h = ContainerHealth.starting().with("unhealthy", 2,
                new ContainerHealth.Result(t, t.plusMillis(5), 1, "no\n"));
        JsonNode i = JSON.valueToTree(ContainerInspectResponse.of(withCheck(ContainerStatus.RUNNING, h), "/log",
                m -> "", JSON));
        JsonNode health = i.path("State").path("Health");
        assertThat(health.path("Status").asString()).isEqualTo("unhealthy");
        assertThat(health.path("FailingStreak").asInt()).isEqualTo(2);
        assertThat(health.path("Log").get(0).path("ExitCode").asInt()).isEqualTo(1);
        assertThat(health.path("Log").get(0).path("Output").asString()).isEqualTo("no\n");
        assertThat(health.path("Log").get(0).path("Start").asString()).isEqualTo("2026-01-02T03:04:07Z");
        JsonNode check = i.path("Config").path("Healthcheck");
        assertThat(check.path("Test").toString()).isEqualTo("[\"CMD-SHELL\",\"true\"]");
        assertThat(check.path("Interval").asLong()).isEqualTo(1_000_000_000L);
        assertThat(check.has("Timeout")).as("zero fields are left out").isFalse();
        assertThat(ContainerSummary.of(withCheck(ContainerStatus.RUNNING, h), JSON).status()).endsWith("(unhealthy)");
    }

    @Test
    void aRunningContainerWithoutResultsIsStartingAndOneWithoutACheckHasNoHealth() {
        StoredContainer starting = withCheck(ContainerStatus.RUNNING, null);
        JsonNode i = JSON.valueToTree(ContainerInspectResponse.of(starting, "/log", m -> "", JSON));
        assertThat(i.path("State").path("Health").path("Status").asString()).isEqualTo("starting");
        assertThat(ContainerSummary.of(starting, JSON).status()).endsWith("(health: starting)");
        JsonNode none = JSON.valueToTree(ContainerInspectResponse.of(DockerWireFixtures.container(
                ContainerStatus.RUNNING), "/log", m -> "", JSON));
        assertThat(none.path("State").has("Health")).isFalse();
        assertThat(none.path("Config").has("Healthcheck")).isFalse();
    }
}
