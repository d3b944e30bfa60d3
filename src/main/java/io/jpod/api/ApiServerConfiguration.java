package io.jpod.api;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Web server settings the engine APIs need. */
@Configuration(proxyBeanMethods = false)
class ApiServerConfiguration {

    /**
     * podman's client escapes the slashes of image names in paths ({@code /images/localhost%2Fapp:1/json});
     * Tomcat rejects {@code %2F} by default. Passed through, the handlers see the whole name.
     */
    @Bean
    TomcatConnectorCustomizer encodedSlashesInPaths() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }
}
