package io.jpod.api;

import io.jpod.system.SystemService;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.tomcat.util.json.JSONFilter;

/**
 * The API versions a path may name, answered as Docker and podman answer the others: a 400
 * saying the client is too new or too old, before anything runs.
 */
final class ApiVersions {

    private static final String LIBPOD_MIN = "4.0.0";
    /** Every 4.x libpod client speaks this API; a 5.x one expects what podman 4 does not serve. */
    private static final String LIBPOD_BELOW = "5.0.0";

    private ApiVersions() {}

    /** Why {@code version} is refused, or null when it is served. */
    static String refusal(String version, boolean libpod) {
        if (libpod) {
            if (compare(version, LIBPOD_MIN) < 0) {
                return "client version " + version + " is too old. Minimum supported API version is " + LIBPOD_MIN
                        + ", please upgrade your client to a newer version";
            }
            if (compare(version, LIBPOD_BELOW) >= 0) {
                return "client version " + version + " is too new. Maximum supported API version is "
                        + SystemService.LIBPOD_API_VERSION;
            }
            return null;
        }
        if (compare(version, SystemService.DOCKER_MIN_API_VERSION) < 0) {
            return "client version " + version + " is too old. Minimum supported API version is "
                    + SystemService.DOCKER_MIN_API_VERSION + ", please upgrade your client to a newer version";
        }
        if (compare(version, SystemService.DOCKER_API_VERSION) > 0) {
            return "client version " + version + " is too new. Maximum supported API version is "
                    + SystemService.DOCKER_API_VERSION;
        }
        return null;
    }

    /** Compares dotted numbers part by part ({@code 1.9 < 1.41}); a part too long to be a version is huge. */
    static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            long p = i < x.length ? part(x[i]) : 0;
            long q = i < y.length ? part(y[i]) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static long part(String s) {
        return s.length() > 9 ? Long.MAX_VALUE : Long.parseLong(s);
    }

    static void answer(HttpServletResponse response, String message, boolean libpod) throws IOException {
        String m = JSONFilter.escape(message);
        String body = libpod ? "{\"message\":\"" + m + "\",\"cause\":\"" + m + "\",\"response\":400}"
                : "{\"message\":\"" + m + "\"}";
        response.setStatus(400);
        response.setContentType("application/json");
        response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
}
