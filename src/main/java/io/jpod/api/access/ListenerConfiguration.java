package io.jpod.api.access;

import jakarta.servlet.ServletException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.tomcat.TomcatWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Puts the web server on the configured listeners: Tomcat's NIO connector on each Unix socket, and
 * TCP (plain or TLS with required client certificates) only when asked for. Runs after Boot's own
 * server customizers, so its TLS and socket settings are the last word.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ListenerSettings.class)
class ListenerConfiguration {

    private static final Log LOG = LogFactory.getLog(ListenerConfiguration.class);
    /** Request attribute set on requests that came through a Unix socket (its path). */
    static final String SOCKET_ATTRIBUTE = "io.jpod.api.access.socket";

    @Bean
    AccessToken accessToken(ListenerSettings settings) {
        return AccessToken.load(Path.of(settings.tokenFile()));
    }

    @Bean
    ListenerCustomizer listenerCustomizer(ListenerSettings settings,
            @Value("${server.address:#{null}}") String bindAddress) {
        return new ListenerCustomizer(settings, bindAddress);
    }

    @Bean
    ApplicationListener<WebServerInitializedEvent> socketsRestricted(ListenerSettings settings,
            @Value("${server.address:#{null}}") String bindAddress, AccessToken token) {
        return event -> {
            for (Path socket : settings.sockets()) {
                SocketFiles.restrict(socket, settings.socketGroup());
                LOG.info("listening on unix://" + socket + " (mode 0660, group " + settings.socketGroup() + ")");
            }
            if (settings.tcp()) {
                String where = (bindAddress == null ? "*" : bindAddress) + ":" + event.getWebServer().getPort();
                if (settings.tls()) {
                    LOG.info("listening on tcp://" + where + " with TLS; clients need a certificate signed by "
                            + settings.tlsCa());
                } else if (settings.tcpInsecure()) {
                    LOG.warn("listening on tcp://" + where + " WITHOUT authentication for the API "
                            + "(jpod.api.tcp-insecure=true): every local user can run privileged containers, "
                            + "which is root on this host");
                } else {
                    LOG.info("listening on tcp://" + where + "; clients send the bearer token of " + token.file());
                }
            }
        };
    }

    static final class ListenerCustomizer implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        private final ListenerSettings settings;
        private final String bindAddress;

        ListenerCustomizer(ListenerSettings settings, String bindAddress) {
            this.settings = settings;
            this.bindAddress = bindAddress;
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            settings.check(bindAddress);
            List<Path> sockets = settings.sockets();
            sockets.forEach(SocketFiles::prepare);
            factory.addEngineValves(new SocketMarker());
            int first = 0;
            if (settings.tcp()) {
                if (settings.tls()) {
                    factory.setSsl(ssl());
                }
            } else {
                // no TCP: the main connector itself moves to the first socket
                Path main = sockets.get(0);
                factory.addConnectorCustomizers(c -> onSocket(c, main));
                first = 1;
            }
            for (Path extra : sockets.subList(first, sockets.size())) {
                Connector c = new Connector(TomcatWebServerFactory.DEFAULT_PROTOCOL);
                io.jpod.api.ApiServerConfiguration.protocol(c);
                c.setURIEncoding("UTF-8");
                onSocket(c, extra);
                factory.addAdditionalConnectors(c);
            }
        }

        private static void onSocket(Connector c, Path path) {
            c.setProperty("unixDomainSocketPath", path.toString());
            c.setProperty("unixDomainSocketPathPermissions", "rw-rw----");
        }

        private Ssl ssl() {
            Ssl ssl = new Ssl();
            ssl.setEnabled(true);
            ssl.setCertificate(read(settings.tlsCert()));
            ssl.setCertificatePrivateKey(read(settings.tlsKey()));
            ssl.setTrustCertificate(read(settings.tlsCa()));
            ssl.setClientAuth(Ssl.ClientAuth.NEED);
            return ssl;
        }

        private static String read(String file) {
            try {
                return Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new io.jpod.error.ConfigException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }
    }

    /** Marks requests that came through a Unix socket, which Tomcat's request knows by its connector. */
    static final class SocketMarker extends ValveBase {

        SocketMarker() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            Object path = request.getConnector().getProperty("unixDomainSocketPath");
            if (path != null) {
                request.setAttribute(SOCKET_ATTRIBUTE, path.toString());
            }
            getNext().invoke(request, response);
        }
    }
}
