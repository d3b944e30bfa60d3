package io.jpod.api;

import org.apache.catalina.Host;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Web server settings the engine APIs need. */
@Configuration(proxyBeanMethods = false)
public class ApiServerConfiguration {

    /** Characters Docker clients leave unescaped in queries ({@code filters={"a":[]}}); Tomcat refuses them by default. */
    private static final String RELAXED_QUERY_CHARS = "[]{}|^`\"<>\\";

    /**
     * podman's client escapes the slashes of image names in paths ({@code /images/localhost%2Fapp:1/json});
     * Tomcat rejects {@code %2F} by default. Passed through, the handlers see the whole name.
     */
    @Bean
    TomcatConnectorCustomizer encodedSlashesInPaths() {
        return ApiServerConfiguration::protocol;
    }

    /** What every API connector needs, the main one and each Unix socket's. */
    public static void protocol(Connector connector) {
        connector.setEncodedSolidusHandling("passthrough");
        // a query value is the binding's to judge (a 400 in JSON), not the HTTP parser's
        connector.setProperty("relaxedQueryChars", RELAXED_QUERY_CHARS);
        // a body refused early (413) is drained up to this much, so the client reads the answer instead of a reset
        connector.setProperty("maxSwallowSize", String.valueOf(32 * 1024 * 1024));
    }

    /** Tomcat's own error pages become the engine's JSON ({@link JsonErrorValve}); Boot adds its HTML valve first. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> jsonErrorPages() {
        return new JsonErrorPages();
    }

    static final class JsonErrorPages implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                Host host = (Host) context.getParent();
                for (Valve v : host.getPipeline().getValves()) {
                    if (v instanceof ErrorReportValve) {
                        host.getPipeline().removeValve(v);
                    }
                }
                host.getPipeline().addValve(new JsonErrorValve());
                if (host instanceof StandardHost standard) {
                    standard.setErrorReportValveClass(JsonErrorValve.class.getName());
                }
            });
        }
    }
}
