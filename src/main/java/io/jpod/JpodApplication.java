package io.jpod;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The jpod daemon. */
// The DataSource is jpod's own (StateConfiguration): it exists only for the SQLite state and lives in the static dir.
@SpringBootApplication(excludeName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
public class JpodApplication {
    public static void main(String[] args) {
        SpringApplication.run(JpodApplication.class, args);
    }
}
