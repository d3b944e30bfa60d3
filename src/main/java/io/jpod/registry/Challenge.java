package io.jpod.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code WWW-Authenticate} challenge: the scheme ({@code Bearer} or {@code Basic}) and its
 * parameters ({@code realm}, {@code service}, {@code scope}).
 */
record Challenge(String scheme, Map<String, String> params) {

    private static final Pattern PARAM = Pattern.compile("([A-Za-z_]+)=(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^,\\s]*))");

    static Challenge parse(String header) {
        if (header == null || header.isBlank()) {
            return new Challenge("", Map.of());
        }
        String h = header.strip();
        int space = h.indexOf(' ');
        String scheme = space < 0 ? h : h.substring(0, space);
        Map<String, String> params = new LinkedHashMap<>();
        if (space > 0) {
            Matcher m = PARAM.matcher(h.substring(space + 1));
            while (m.find()) {
                params.put(m.group(1).toLowerCase(), m.group(2) != null ? m.group(2).replace("\\\"", "\"") : m.group(3));
            }
        }
        return new Challenge(scheme, params);
    }

    boolean bearer() {
        return scheme.equalsIgnoreCase("bearer");
    }

    boolean basic() {
        return scheme.equalsIgnoreCase("basic");
    }
}
