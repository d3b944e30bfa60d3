package io.jpod;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;

/** The jpod daemon. */
// The DataSource is jpod's own (StateConfiguration): it exists only for the SQLite state and lives in the static dir.
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class JpodApplication {
    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(JpodApplication.class);
        // -Djpod.startup-steps=N records the first N steps of the start (bean by bean, with their times) for
        // /actuator/startup (expose it with --management.endpoints.web.exposure.include=...,startup): where a
        // slow start spends its time. Off by default, as recording costs time and memory itself.
        Integer steps = Integer.getInteger("jpod.startup-steps");
        if (steps != null) {
            app.setApplicationStartup(new BufferingApplicationStartup(steps));
        }
        app.run(args);
    }
}
