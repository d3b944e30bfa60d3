package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.testing.TarBuilder;
import io.jpod.testing.TestDaemon;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hostile input over every route of both APIs, the routes read from Spring's own mapping so that a
 * new one is fuzzed without a change here. Each input breaks one thing (a query value, a path
 * name, the body, the API version, the headers) and must be answered 4xx with a JSON
 * {@code message}: never a 5xx, never HTML or Spring's own error; and no input may change state
 * (containers, pods, volumes, networks and images are compared before and after each route's inputs).
 * Seed and size: {@code -Djpod.fuzz.seed}, {@code -Djpod.fuzz.inputs} (10,000 by default).
 */
class FuzzIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long SEED = Long.getLong("jpod.fuzz.seed", 16L);
    private static final int INPUTS = Integer.getInteger("jpod.fuzz.inputs", 10_000);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** A route's inputs go out together: the suite stays within its time, and races are part of the test. */
    private static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newFixedThreadPool(8);

    private static final List<String> BAD_BOOLS = List.of("abc", "1_000", "null", "yes", "on", "2", "-1", "tru",
            "%20true", "true%20", "TrUe", "0x1", "%ff", "[]", "{}", "1.0");
    private static final List<String> BAD_INTS = List.of("abc", "1%20", "%201", "0x10", "%ff", "1_000", "1.5", "1e3",
            "99999999999999999999", "-99999999999999999999", "9223372036854775808", "--1", "+-1", "%2310", "null",
            "[]", "{}", "1,2", "%00");
    private static final List<String> BAD_FILTERS = List.of("{", "[\"x\"]", "{\"label\":\"x\"}",
            "{\"label\":[1]}", "{\"bogus\":[\"x\"]}", "{}}", "null", "1", "\"x\"", "{\"label\":{\"x\":1}}",
            "{\"name\":[[\"x\"]]}", "%ff");
    private static final List<String> BAD_TIMES = List.of("[]", "abc", "1e999", "--1", "99999999999999999999999",
            "{}", "2024-13-45T99:99:99Z", "%ff", "1.2.3");
    private static final List<String> BAD_TAILS = List.of("abc", "%ff", "1.5", "--1", "99999999999999999999", "1e3",
            "[]", "0x10");
    private static final List<String> BAD_SIGNALS = List.of("%209", "SIGBOGUS", "99", "-1", "0x9", "9%20",
            "SIG", "KILLL", "65", "99999999999999999999", "[]", "%ff");
    private static final List<String> BAD_NAMES = List.of("../x", "..", ".", "a%2Fb", "-x", ".x", "x%20y",
            "%C3%A9", "%00", "a:b", "%2e%2e%2fx", "//x");
    private static final List<String> BAD_REPOS = List.of("../x", "..%2Fx", "UPPER", "x%20y", "-x", "a::b", "x@sha",
            "%2e%2e", "a//b");
    private static final List<String> BAD_PATH_NAMES = List.of("..", "..%2F..%2Fetc", "%2e%2e%2fx", "x".repeat(300),
            "%00", "a%2F..%2F..%2Fb", "%ff");
    private static final List<String> BAD_BODIES = List.of("{", "{\"", "x", "[", "{\"a\":", "nul", "1", "\"s\"",
            "[]", "true", "{}}", "{\"a\":1}x", "\u0000", "{\"a\":1,}", "{'a':1}", "[".repeat(2000),
            "{\"a\":\"\\uZZZZ\"}", "\uFEFF{", "{\"a\":01}");
    private static final List<String> BAD_VERSIONS = List.of("/v9.99", "/v1.12", "/v0.1", "/v1.999999999999",
            "/v99.0.0", "/v3.9.9", "/v1.0");

    /** Query parameters whose values this suite knows to be wrong beyond their type. */
    private static final Map<String, List<String>> BAD_BY_NAME = Map.of("filters", BAD_FILTERS, "since", BAD_TIMES,
            "until", BAD_TIMES, "tail", BAD_TAILS, "signal", BAD_SIGNALS, "condition", List.of("bogus", "%ff"),
            "repo", BAD_REPOS, "tag", List.of("../x", "x%20y", "-x", "x".repeat(200), "a:b"));

    /** A body each JSON route takes, for the wrong-type and truncation mutations. */
    private static final Map<String, String> GOOD_BODIES = Map.of(
            "/containers/create", "{\"Image\":\"busybox\",\"Cmd\":[\"true\"],\"Labels\":{\"a\":\"1\"},"
                    + "\"HostConfig\":{\"NetworkMode\":\"none\",\"Memory\":0}}",
            "/libpod/containers/create", "{\"image\":\"busybox\",\"command\":[\"true\"],\"name\":\"fz-new\","
                    + "\"labels\":{\"a\":\"1\"},\"netns\":{\"nsmode\":\"none\"}}",
            "/volumes/create", "{\"Name\":\"fz-new\",\"Driver\":\"local\",\"Labels\":{\"a\":\"1\"}}",
            "/libpod/volumes/create", "{\"Name\":\"fz-new\",\"Driver\":\"local\",\"Label\":{\"a\":\"1\"}}",
            "/networks/create", "{\"Name\":\"fz-new\",\"Driver\":\"bridge\",\"Labels\":{\"a\":\"1\"},"
                    + "\"Internal\":false}",
            "/libpod/networks/create", "{\"name\":\"fz-new\",\"driver\":\"bridge\",\"labels\":{\"a\":\"1\"},"
                    + "\"internal\":false}",
            "/libpod/pods/create", "{\"name\":\"fz-new\",\"no_infra\":true,\"labels\":{\"a\":\"1\"}}",
            "/networks/{name}/connect", "{\"Container\":\"fz-made\",\"EndpointConfig\":{\"Aliases\":[\"a\"]}}",
            "/containers/{id}/exec", "{\"Cmd\":[\"true\"],\"User\":\"root\",\"Tty\":false,\"Env\":[\"A=1\"]}");

    static Path root;
    static TestDaemon daemon;

    @BeforeAll
    static void start() throws Exception {
        root = Files.createTempDirectory("jpod-fuzz");
        daemon = TestDaemon.start(root);
        known();
    }

    /** The known objects, each made when it is missing: at the start, and again after a batch removed one. */
    static void known() throws Exception {
        if (send("GET", "/images/busybox/json", null, Map.of()).status() == 404) {
            ok("POST", "/images/create?fromSrc=-&repo=busybox&tag=latest", TarBuilder.busyboxRootfs(), 200);
        }
        if (send("GET", "/containers/fz-run/json", null, Map.of()).status() == 404) {
            ok("POST", "/containers/create?name=fz-run", json("{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"3600\"],"
                    + "\"HostConfig\":{\"NetworkMode\":\"none\"}}"), 201);
        }
        if (!tree("/containers/fz-run/json").path("State").path("Running").asBoolean(false)) {
            ok("POST", "/containers/fz-run/start", new byte[0], 204);
        }
        if (send("GET", "/containers/fz-made/json", null, Map.of()).status() == 404) {
            ok("POST", "/containers/create?name=fz-made", json("{\"Image\":\"busybox\",\"Cmd\":[\"true\"],"
                    + "\"HostConfig\":{\"NetworkMode\":\"none\"}}"), 201);
        }
        if (send("GET", "/volumes/fz-vol", null, Map.of()).status() == 404) {
            ok("POST", "/volumes/create", json("{\"Name\":\"fz-vol\"}"), 201);
        }
        if (send("GET", "/networks/fz-net", null, Map.of()).status() == 404) {
            ok("POST", "/networks/create", json("{\"Name\":\"fz-net\"}"), 201);
        }
        if (send("GET", "/libpod/pods/fz-pod/json", null, Map.of()).status() == 404) {
            ok("POST", "/libpod/pods/create", json("{\"name\":\"fz-pod\",\"no_infra\":true}"), 201);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            send("DELETE", "/containers/fz-run?force=true", null, Map.of());
            send("DELETE", "/containers/fz-made?force=true", null, Map.of());
            send("DELETE", "/libpod/pods/fz-pod?force=true", null, Map.of());
            send("DELETE", "/networks/fz-net", null, Map.of());
            daemon.close();
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(root);
    }

    /** One hostile request: what it is for the report, and how to send it. */
    record Input(String route, String method, String path, byte[] body, Map<String, String> headers) {}

    @Test
    void everyHostileInputIsA4xxJsonMessageAndChangesNothing() throws Exception {
        long t0 = System.nanoTime();
        List<Route> routes = routes();
        Random random = new Random(SEED);
        Map<String, List<Input>> byRoute = new TreeMap<>();
        for (Route r : routes) {
            byRoute.put(r.key(), inputs(r, random));
        }
        // round-robin over the routes' own inputs, each route in turn, until the size is reached
        Map<String, List<Input>> chosen = new TreeMap<>();
        int total = 0;
        int total0 = -1;
        while (total < INPUTS && total != total0) {
            total0 = total;
            for (var e : byRoute.entrySet()) {
                List<Input> all = e.getValue();
                List<Input> taken = chosen.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                if (all.isEmpty()) {
                    continue;
                }
                taken.add(all.get(random.nextInt(all.size())));
                total++;
            }
        }
        System.out.println("fuzz: seed=" + SEED + " routes=" + routes.size() + " planned=" + total);
        int inputs = 0;
        int fivexx = 0;
        int nonJson = 0;
        int stateChanges = 0;
        List<String> failures = new ArrayList<>();
        Map<String, Integer> perRoute = new TreeMap<>();
        for (var e : chosen.entrySet()) {
            String before = snapshot();
            List<java.util.concurrent.Future<Answer>> answers = new ArrayList<>();
            for (Input in : e.getValue()) {
                answers.add(POOL.submit(() -> send(in.method(), in.path(), in.body(), in.headers())));
            }
            for (int i = 0; i < answers.size(); i++) {
                Input in = e.getValue().get(i);
                Answer a = answers.get(i).get();
                inputs++;
                perRoute.merge(e.getKey(), 1, Integer::sum);
                // a HEAD answer has no body to carry the message
                String why = in.method().equals("HEAD") && a.status() >= 400 && a.status() < 500 ? null : judge(a);
                if (why != null) {
                    if (a.status() >= 500) {
                        fivexx++;
                    } else {
                        nonJson++;
                    }
                    String f = in.method() + " " + shorten(in.path()) + " body=" + shorten(in.body()) + " -> "
                            + a.status() + " " + why + ": " + shorten(a.body());
                    System.out.println("fuzz FAIL: " + f);
                    if (failures.size() < 60) {
                        failures.add(f);
                    }
                }
            }
            String after = snapshot();
            if (!before.equals(after)) {
                stateChanges++;
                failures.add("STATE CHANGED by " + e.getKey() + ":\n  before " + before + "\n  after  " + after);
                System.out.println("fuzz FAIL: " + failures.get(failures.size() - 1));
                repair();
            }
        }
        perRoute.forEach((route, n) -> System.out.println("fuzz: " + n + " inputs " + route));
        System.gc();
        Runtime rt = Runtime.getRuntime();
        System.out.println("fuzz: heap used after gc=" + (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024)
                + " MiB, committed=" + rt.totalMemory() / (1024 * 1024) + " MiB, max=" + rt.maxMemory() / (1024 * 1024)
                + " MiB, threads=" + Thread.activeCount());
        System.out.println("fuzz: inputs=" + inputs + " endpoints=" + perRoute.size() + " 5xx=" + fivexx
                + " non-json=" + nonJson + " state-changes=" + stateChanges + " seed=" + SEED + " seconds="
                + (System.nanoTime() - t0) / 1_000_000_000);
        assertThat(inputs).isGreaterThanOrEqualTo(Math.min(INPUTS, 10_000));
        assertThat(failures).isEmpty();
    }

    // ------------------------------------------------------------------ routes and inputs

    record Param(String name, Class<?> type, boolean required) {}

    record Route(String method, String pattern, List<Param> params, boolean jsonBody) {
        String key() {
            return method + " " + pattern;
        }
    }

    /** Every route of both APIs, as Spring maps them (the dashboard, actuator and /error aside). */
    static List<Route> routes() {
        RequestMappingHandlerMapping mapping = daemon.context()
                .getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class);
        List<Route> out = new ArrayList<>();
        for (Map.Entry<RequestMappingInfo, HandlerMethod> e : mapping.getHandlerMethods().entrySet()) {
            HandlerMethod h = e.getValue();
            if (!h.getBeanType().getPackageName().startsWith("io.jpod.api")) {
                continue;
            }
            List<Param> params = new ArrayList<>();
            boolean body = false;
            for (MethodParameter p : h.getMethodParameters()) {
                RequestParam rp = p.getParameterAnnotation(RequestParam.class);
                if (rp != null) {
                    String name = !rp.name().isEmpty() ? rp.name() : !rp.value().isEmpty() ? rp.value()
                            : p.getParameter().getName();
                    params.add(new Param(name, p.getParameterType(),
                            rp.required() && rp.defaultValue().equals(org.springframework.web.bind.annotation.ValueConstants.DEFAULT_NONE)));
                }
                if (p.hasParameterAnnotation(RequestBody.class)) {
                    body = true;
                }
            }
            Set<RequestMethod> methods = e.getKey().getMethodsCondition().getMethods();
            List<String> names = methods.isEmpty() ? List.of("GET") : methods.stream().map(Enum::name).toList();
            for (String pattern : e.getKey().getPatternValues()) {
                for (String method : names) {
                    // a catch-all path ({*rest}: image names with slashes) is each action it serves
                    List<String> actions = !pattern.contains("{*rest}") ? List.of("")
                            : method.equals("GET") ? List.of("/json", "/history", "/get")
                            : method.equals("POST") ? List.of("/tag") : List.of(""); // a push needs a registry: not here
                    for (String action : actions) {
                        out.add(new Route(method, pattern.replace("{*rest}", "{id}" + action), params, body));
                    }
                }
            }
        }
        return out;
    }

    /** The hostile inputs of one route: each breaks one thing and keeps the rest valid. */
    static List<Input> inputs(Route r, Random random) {
        List<Input> out = new ArrayList<>();
        String path = fill(r.pattern(), Map.of());
        String required = requiredQuery(r, null);
        byte[] goodBody = good(r);
        // a query value of the wrong kind, one parameter at a time
        for (Param p : r.params()) {
            List<String> bad = BAD_BY_NAME.containsKey(p.name()) && p.type() == String.class ? BAD_BY_NAME.get(p.name())
                    : p.type() == boolean.class || p.type() == Boolean.class ? BAD_BOOLS
                    : p.type() == int.class || p.type() == Integer.class || p.type() == long.class
                            || p.type() == Long.class ? BAD_INTS
                    : p.name().equals("name") && isCreateOrRename(r) ? BAD_NAMES : List.of();
            for (String v : bad) {
                String q = requiredQuery(r, p.name());
                out.add(new Input(r.key(), r.method(), path + "?" + (q.isEmpty() ? "" : q + "&") + p.name() + "=" + v,
                        goodBody, jsonHeaders(goodBody)));
            }
        }
        // names and IDs in the path that no object has, and never could
        if (r.pattern().contains("{")) {
            for (String bad : BAD_PATH_NAMES) {
                String p = fill(r.pattern(), Map.of("id", bad, "name", bad));
                out.add(new Input(r.key(), r.method(), p + query(required), goodBody, jsonHeaders(goodBody)));
            }
        }
        // bodies: malformed, truncated, of the wrong type, too large
        if (r.jsonBody()) {
            for (String b : BAD_BODIES) {
                byte[] bytes = b.getBytes(StandardCharsets.UTF_8);
                out.add(new Input(r.key(), r.method(), path + query(required), bytes, jsonHeaders(bytes)));
            }
            if (goodBody != null) {
                String text = new String(goodBody, StandardCharsets.UTF_8);
                for (int i = 0; i < 12; i++) {
                    byte[] cut = text.substring(0, 1 + random.nextInt(text.length() - 1)).getBytes(StandardCharsets.UTF_8);
                    out.add(new Input(r.key(), r.method(), path + query(required), cut, jsonHeaders(cut)));
                }
                for (byte[] wrong : wrongTypes(text)) {
                    out.add(new Input(r.key(), r.method(), path + query(required), wrong, jsonHeaders(wrong)));
                }
            }
        }
        // API versions no client may name
        for (String v : BAD_VERSIONS) {
            out.add(new Input(r.key(), r.method(), v + path + query(required), goodBody, jsonHeaders(goodBody)));
        }
        return out;
    }

    private static String query(String q) {
        return q.isEmpty() ? "" : "?" + q;
    }

    private static boolean isCreateOrRename(Route r) {
        return r.pattern().endsWith("/create") || r.pattern().endsWith("/rename");
    }

    /** Each top-level field of {@code good}, in turn, given a value of a kind it can never take. */
    static List<byte[]> wrongTypes(String good) {
        List<byte[]> out = new ArrayList<>();
        JsonNode tree = JSON.readTree(good);
        for (String field : tree.propertyNames()) {
            JsonNode v = tree.get(field);
            List<String> wrong = v.isString() ? List.of("{}", "[\"x\"]", "{\"a\":[1]}")
                    : v.isObject() ? List.of("\"x\"", "[1,2]", "12")
                    : v.isArray() ? List.of("{\"a\":{}}", "[{}]", "[[1]]")
                    : v.isBoolean() ? List.of("{}", "[true]", "\"maybe\"")
                    : List.of("{}", "[]", "\"abc\"", "1e999", "99999999999999999999999");
            for (String w : wrong) {
                var copy = (tools.jackson.databind.node.ObjectNode) tree.deepCopy();
                copy.set(field, JSON.readTree(w));
                out.add(JSON.writeValueAsBytes(copy));
            }
        }
        return out;
    }

    private static byte[] good(Route r) {
        String b = GOOD_BODIES.get(r.pattern());
        return b == null ? null : b.getBytes(StandardCharsets.UTF_8);
    }

    /** Required parameters other than {@code except}, with valid values. */
    private static String requiredQuery(Route r, String except) {
        List<String> q = new ArrayList<>();
        for (Param p : r.params()) {
            if (p.required() && !p.name().equals(except)) {
                q.add(p.name() + "=" + (p.type() == String.class ? "fz-x" : p.type() == boolean.class ? "false" : "10"));
            }
        }
        return String.join("&", q);
    }

    /** The route's path with each variable naming a known object of the route's kind, unless given. */
    private static String fill(String pattern, Map<String, String> given) {
        String known = pattern.contains("/pods/") ? "fz-pod" : pattern.contains("/volumes/") ? "fz-vol"
                : pattern.contains("/networks/") ? "fz-net" : pattern.contains("/images/") ? "busybox"
                : pattern.contains("/exec/") ? "0000000000000000" : "fz-run";
        String out = pattern;
        for (String var : List.of("id", "name")) {
            out = out.replace("{" + var + "}", given.getOrDefault(var, known));
        }
        return out.replaceAll("\\{[^}]*}", given.getOrDefault("id", known));
    }

    private static Map<String, String> jsonHeaders(byte[] body) {
        return body == null ? Map.of() : Map.of("Content-Type", "application/json");
    }

    // ------------------------------------------------------------------ protocol-level input

    /** Requests Tomcat itself refuses: each answer is JSON (4xx, or the protocol's own 501/505), not HTML. */
    @Test
    void protocolLevelRefusalsAreJson() throws Exception {
        String auth = "Authorization: " + daemon.bearer() + "\r\n";
        List<String> raw = List.of(
                "GET /containers/json HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "X-Big: " + "a".repeat(70_000) + "\r\n\r\n",
                "POST /volumes/create HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Length: -5\r\n\r\n",
                "GET /containers/json?all=1 HTTP/9.9\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "GET /containers/json HTTP/2.0\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "GET /con tainers/json HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "GET /containers/json?all={} HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "GET /events?since=[] HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "POST /volumes/create HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Transfer-Encoding: bogus\r\n\r\n",
                "POST /volumes/create HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Content-Length: 99999999999999999999\r\n\r\n",
                "G\u0001T /containers/json HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n",
                "GET /containers/json HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "Bad Header\r\n\r\n",
                "GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n");
        String before = snapshot();
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (String request : raw) {
            Answer a = rawSend(request);
            String why = a.status() == 501 || a.status() == 505 ? jsonMessage(a) : judge(a);
            checked++;
            if (why != null) {
                failures.add(shorten(request.replace("\r\n", " | ")) + " -> " + a.status() + " " + why + ": "
                        + shorten(a.body()));
            }
        }
        // a body above the bound: refused with a 413 before it is read, and fast (a 20 MB Kubernetes YAML scalar)
        byte[] huge = ("a: \"" + "x".repeat(20 * 1024 * 1024) + "\"").getBytes(StandardCharsets.UTF_8);
        for (String route : List.of("/libpod/play/kube", "/containers/create", "/volumes/create",
                "/libpod/pods/create")) {
            long t0 = System.nanoTime();
            Answer a = send("POST", route, huge, Map.of("Content-Type", "application/json"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (a.status() != 413 || judge(a) != null || ms > 5_000) {
                failures.add("20 MB body to " + route + " -> " + a.status() + " in " + ms + " ms: " + shorten(a.body()));
            }
            checked++;
        }
        String after = snapshot();
        failures.forEach(f -> System.out.println("fuzz FAIL: " + f));
        System.out.println("fuzz: protocol inputs=" + checked + " failures=" + failures.size());
        assertThat(after).isEqualTo(before);
        assertThat(failures).isEmpty();
    }

    /** Archives that try to write outside their target (tar-slip) or are not archives: refused, nothing written. */
    @Test
    void archivesThatEscapeAreRefused() throws Exception {
        Path outside = root.resolve("fz-escaped");
        List<byte[]> tars = List.of(
                new TarBuilder().file("../../../../../../../../" + outside.toString().substring(1), "x").build(),
                new TarBuilder().file("../fz-escaped", "x").build(),
                new TarBuilder().symlink("link", outside.getParent().toString()).file("link/fz-escaped", "x").build(),
                new TarBuilder().hardlink("hard", outside.toString()).build(),
                new TarBuilder().file("/" + outside.toString().substring(1), "x").build(),
                "not a tar at all".getBytes(StandardCharsets.UTF_8),
                java.util.Arrays.copyOf(new TarBuilder().file("a", "x".repeat(5000)).build(), 700));
        List<String> failures = new ArrayList<>();
        int n = 0;
        String before = snapshot();
        for (byte[] tar : tars) {
            for (String route : List.of("/containers/fz-made/archive?path=/tmp",
                    "/libpod/containers/fz-made/archive?path=/tmp", "/build?t=fz-slip", "/images/load",
                    "/images/create?fromSrc=-&repo=fz-slip")) {
                String method = route.contains("/archive") ? "PUT" : "POST";
                Answer a = send(method, route, tar, Map.of("Content-Type", "application/x-tar"));
                n++;
                boolean accepted = a.status() < 400;
                // a copy of a tar whose entries were all refused, or an import that kept nothing outside, may pass
                if (!accepted && judge(a) != null) {
                    failures.add(method + " " + route + " -> " + a.status() + " " + judge(a) + ": " + shorten(a.body()));
                }
            }
        }
        try (Stream<Path> s = Files.walk(root)) {
            // an absolute entry is taken as relative to the container's root: in its layer (diff), not out
            List<Path> escaped = s.filter(p -> p.getFileName().toString().equals("fz-escaped"))
                    .filter(p -> !p.toString().contains("/diff/") && !p.toString().contains("/merged/")).toList();
            assertThat(escaped).as("files written outside a container by a tar-slip entry").isEmpty();
        }
        assertThat(Files.exists(Path.of("/fz-escaped"))).isFalse();
        failures.forEach(f -> System.out.println("fuzz FAIL: " + f));
        System.out.println("fuzz: archive inputs=" + n + " failures=" + failures.size());
        // an import of a tar is an image whatever its entries: those are dropped, the rest must be as before
        for (JsonNode i : tree("/images/json?all=true")) {
            if (!i.path("RepoTags").toString().contains("busybox:latest")) {
                send("DELETE", "/images/" + i.path("Id").asString() + "?force=true", null, Map.of());
            }
        }
        assertThat(failures).isEmpty();
        assertThat(snapshot()).isEqualTo(before);
    }

    // ------------------------------------------------------------------ checks

    record Answer(int status, String contentType, String body) {}

    /** Why an answer to a hostile input is wrong, or null when it is a 4xx with a JSON message. */
    static String judge(Answer a) {
        if (a.status() < 400 || a.status() >= 500) {
            return a.status() >= 500 ? "server error" : "accepted";
        }
        return jsonMessage(a);
    }

    static String jsonMessage(Answer a) {
        if (a.contentType() == null || !a.contentType().contains("json")) {
            return "content type " + a.contentType();
        }
        JsonNode n;
        try {
            n = JSON.readTree(a.body());
        } catch (RuntimeException e) {
            return "not JSON";
        }
        String m = n.path("message").asString("");
        if (m.isBlank()) {
            return "no message";
        }
        if (n.has("timestamp") || m.startsWith("No static resource")) {
            return "Spring's own error";
        }
        return null;
    }

    /** What a hostile input must not change: the objects and the state of the known ones. */
    static String snapshot() throws Exception {
        Map<String, Object> s = new LinkedHashMap<>();
        List<String> containers = new ArrayList<>();
        for (JsonNode c : tree("/containers/json?all=true")) {
            containers.add(c.path("Id").asString() + c.path("Names") + c.path("State").asString()
                    + c.path("Labels"));
        }
        s.put("containers", containers);
        for (String c : List.of("fz-run", "fz-made")) {
            JsonNode i = tree("/containers/" + c + "/json");
            s.put(c, i.path("Name").asString() + " " + i.path("State").path("Status").asString() + " pid="
                    + i.path("State").path("Pid").asString() + " started=" + i.path("State").path("StartedAt").asString()
                    + " restarts=" + i.path("RestartCount").asString() + " config=" + i.path("Config")
                    + " host=" + i.path("HostConfig") + " nets=" + i.path("NetworkSettings").path("Networks").propertyNames());
        }
        List<String> pods = new ArrayList<>();
        for (JsonNode p : tree("/libpod/pods/json")) {
            pods.add(p.path("Name").asString() + " " + p.path("Status").asString() + " " + p.path("Labels"));
        }
        s.put("pods", pods);
        List<String> volumes = new ArrayList<>();
        for (JsonNode v : tree("/volumes").path("Volumes")) {
            volumes.add(v.path("Name").asString() + " " + v.path("Labels"));
        }
        s.put("volumes", volumes);
        List<String> networks = new ArrayList<>();
        for (JsonNode n : tree("/networks")) {
            networks.add(n.path("Name").asString() + " " + n.path("Id").asString());
        }
        s.put("networks", networks);
        List<String> images = new ArrayList<>();
        for (JsonNode i : tree("/images/json?all=true")) {
            images.add(i.path("Id").asString() + " " + i.path("RepoTags"));
        }
        s.put("images", images);
        return s.toString();
    }

    /** After a batch that changed state: back to the known objects, so the next batch is judged alone. */
    static void repair() throws Exception {
        for (JsonNode c : tree("/containers/json?all=true")) {
            String name = c.path("Names").path(0).asString().replaceFirst("^/", "");
            if (!name.equals("fz-run") && !name.equals("fz-made")) {
                send("DELETE", "/containers/" + c.path("Id").asString() + "?force=true", null, Map.of());
            }
        }
        for (JsonNode p : tree("/libpod/pods/json")) {
            if (!p.path("Name").asString().equals("fz-pod")) {
                send("DELETE", "/libpod/pods/" + p.path("Id").asString() + "?force=true", null, Map.of());
            }
        }
        for (JsonNode v : tree("/volumes").path("Volumes")) {
            if (!v.path("Name").asString().equals("fz-vol")) {
                send("DELETE", "/volumes/" + v.path("Name").asString() + "?force=true", null, Map.of());
            }
        }
        for (JsonNode n : tree("/networks")) {
            String name = n.path("Name").asString();
            if (!Set.of("fz-net", "podman", "bridge", "host", "none", "jpod").contains(name)) {
                send("DELETE", "/networks/" + n.path("Id").asString(), null, Map.of());
            }
        }
        for (JsonNode i : tree("/images/json?all=true")) {
            if (!i.path("RepoTags").toString().contains("busybox:latest")) {
                send("DELETE", "/images/" + i.path("Id").asString() + "?force=true", null, Map.of());
            }
        }
        known();
    }

    private static JsonNode tree(String path) throws Exception {
        return JSON.readTree(send("GET", path, null, Map.of()).body());
    }

    // ------------------------------------------------------------------ transport

    static Answer send(String method, String path, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(daemon.uri(path));
        } catch (IllegalArgumentException e) {
            // a path the JDK will not even send (a raw space, a bad escape): send it raw
            return rawSend(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + daemon.bearer()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (body == null ? 0 : body.length) + "\r\n\r\n"
                    + (body == null ? "" : new String(body, StandardCharsets.ISO_8859_1)));
        }
        b.timeout(Duration.ofSeconds(10)).header("Authorization", daemon.bearer());
        headers.forEach(b::header);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        // the whole answer within the bound: a stream that a hostile input opened must not hang the suite
        var pending = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
        try {
            HttpResponse<String> r = pending.get(10, java.util.concurrent.TimeUnit.SECONDS);
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
        } catch (java.util.concurrent.TimeoutException e) {
            pending.cancel(true);
            return new Answer(599, null, "no complete answer within 10 s");
        } catch (java.util.concurrent.ExecutionException e) {
            return new Answer(598, null, "connection failed: " + e.getCause());
        }
    }

    /** One request written as is on a socket; the answer's status, content type and body. */
    static Answer rawSend(String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", daemon.port())) {
            s.setSoTimeout(20_000);
            OutputStream out = s.getOutputStream();
            // one request a connection: the answer ends where the connection does
            out.write(request.replaceFirst("\r\n", "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String text = readAnswer(in);
            int sp = text.indexOf(' ');
            int status = sp < 0 ? 598 : Integer.parseInt(text.substring(sp + 1, sp + 4));
            String head = text.contains("\r\n\r\n") ? text.substring(0, text.indexOf("\r\n\r\n")) : text;
            String type = null;
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-type:")) {
                    type = line.substring(13).trim();
                }
            }
            String body = text.contains("\r\n\r\n") ? text.substring(text.indexOf("\r\n\r\n") + 4) : "";
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            return new Answer(status, type, body);
        } catch (java.io.IOException e) {
            return new Answer(598, null, "connection failed: " + e);
        }
    }

    private static String readAnswer(InputStream in) throws java.io.IOException {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                String t = sb.toString();
                int end = t.indexOf("\r\n\r\n");
                if (end >= 0) {
                    String head = t.substring(0, end).toLowerCase();
                    int cl = head.indexOf("content-length:");
                    if (cl >= 0) {
                        int len = Integer.parseInt(head.substring(cl + 15).split("\r\n")[0].trim());
                        if (t.length() - end - 4 >= len) {
                            break;
                        }
                    } else if (head.contains("chunked") && t.endsWith("0\r\n\r\n")) {
                        break;
                    }
                }
            }
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
            // what came is the answer
        }
        return sb.toString();
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int len = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (len == 0) {
                break;
            }
            out.append(body, eol + 2, Math.min(body.length(), eol + 2 + len));
            i = eol + 2 + len + 2;
        }
        return out.toString();
    }

    private static void ok(String method, String path, byte[] body, int status) throws Exception {
        Answer a = send(method, path, body, body != null && body.length > 0 && body[0] == '{'
                ? Map.of("Content-Type", "application/json") : Map.of());
        assertThat(a.status()).as(path + ": " + a.body()).isEqualTo(status);
    }

    private static byte[] json(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        s = s.replaceAll("Bearer [0-9a-f]+", "Bearer ***");
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    private static String shorten(byte[] b) {
        return b == null ? "none" : shorten(new String(b, StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unused")
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
