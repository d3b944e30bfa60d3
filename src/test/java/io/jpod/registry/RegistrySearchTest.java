package io.jpod.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.jpod.error.EngineException;
import io.jpod.events.EventBus;
import io.jpod.events.OperationObserver;
import io.jpod.image.FileImageStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code docker search}: Debian's registry has no search endpoint, so the offering side is a fake
 * (a JDK HTTP server answering {@code /v1/search} as Docker Hub does) on loopback.
 */
class RegistrySearchTest {

    @TempDir
    Path tmp;
    HttpServer fakeIndex;
    AtomicReference<String> query = new AtomicReference<>();
    RegistryService service;

    @BeforeEach
    void start() throws Exception {
        fakeIndex = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        fakeIndex.createContext("/v1/search", ex -> {
            query.set(ex.getRequestURI().getQuery());
            byte[] body = """
                    {"num_results":2,"query":"busy","results":[
                      {"name":"library/busybox","description":"tiny","star_count":7,"is_official":true,"is_automated":false},
                      {"name":"team/busyapp","description":"","star_count":0,"is_official":false,"is_automated":true}]}
                    """.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        fakeIndex.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        fakeIndex.start();
        String host = "127.0.0.1:" + fakeIndex.getAddress().getPort();
        Path conf = Files.writeString(tmp.resolve("registries.conf"), "unqualified-search-registries = [\"" + host
                + "\"]\n[[registry]]\nlocation = \"" + host + "\"\ninsecure = true\n");
        JsonMapper json = JsonMapper.builder().build();
        service = new RegistryService(new FileImageStore(tmp.resolve("store"), json),
                new HostRegistryConfig(conf, List.of(), Map.of("HOME", tmp.toString())), json, new EventBus(10),
                OperationObserver.NONE, TransferObserver.NONE, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        fakeIndex.stop(0);
    }

    @Test
    void searchesTheSearchRegistriesOrTheOneNamed() {
        String host = "127.0.0.1:" + fakeIndex.getAddress().getPort();
        var results = service.search("busy", 10, Credentials.NONE, List.of());
        assertThat(query.get()).isEqualTo("q=busy&n=10");
        assertThat(results).extracting(RegistryService.SearchResult::name)
                .containsExactly(host + "/library/busybox", host + "/team/busyapp");
        assertThat(results.get(0).stars()).isEqualTo(7);
        assertThat(results.get(0).official()).isTrue();
        assertThat(service.search(host + "/busy", 1, Credentials.NONE, List.of())).hasSize(1);
    }

    @Test
    void aRegistryWithoutSearchIsAClearError() throws Exception {
        fakeIndex.removeContext("/v1/search");
        assertThatThrownBy(() -> service.search("busy", 10, Credentials.NONE, List.of()))
                .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.category())
                        .isEqualTo(EngineException.Category.INVALID_ARGUMENT))
                .hasMessageContaining("does not offer search");
        assertThatThrownBy(() -> service.search(" ", 10, Credentials.NONE, List.of()))
                .hasMessageContaining("cannot be empty");
    }
}
