package io.jpod.api.libpod;

import io.jpod.api.wire.HealthParts;
import io.jpod.container.Healthchecks;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /libpod/containers/{id}/healthcheck}: runs the container's check now and answers podman's
 * {@code HealthCheckResults} (Status, FailingStreak, Log). A container without a healthcheck, or not
 * running, is a 409 as in podman.
 */
@RestController
@RequestMapping("/libpod/containers")
class LibpodHealthcheckController {

    private final Healthchecks healthchecks;

    LibpodHealthcheckController(Healthchecks healthchecks) {
        this.healthchecks = healthchecks;
    }

    @RequestMapping(path = "/{id}/healthcheck", method = {RequestMethod.GET, RequestMethod.POST})
    HealthParts.Health run(@PathVariable String id) {
        return HealthParts.state(healthchecks.runNow(id));
    }
}
