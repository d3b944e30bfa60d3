package io.jpod.api;

import io.jpod.error.EngineException;
import io.jpod.image.Image;
import io.jpod.network.NetworkConfig;
import io.jpod.state.StoredContainer;
import io.jpod.state.StoredPod;
import io.jpod.state.VolumeConfig;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code filters} of a prune, parsed once: {@code label} (all must hold), {@code label!} (none
 * may hold), {@code until} (created before) and images' {@code dangling}. A key the prune does not
 * honour is refused before anything is removed. The domain gets plain predicates.
 */
public final class PruneFilters {

    /** What Docker 1.41 and podman honour per prune. */
    public static final Set<String> LABELS = Set.of("label", "label!");
    public static final Set<String> LABELS_UNTIL = Set.of("label", "label!", "until");
    public static final Set<String> IMAGES = Set.of("label", "label!", "until", "dangling");
    public static final Set<String> BUILD_CACHE = Set.of("label", "label!", "until", "unused-for");

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Pattern UNIX = Pattern.compile("-?\\d+(\\.\\d{1,9})?");

    private final Map<String, List<String>> filters;
    private final List<String> labels;
    private final List<String> notLabels;
    private final Instant until;

    private PruneFilters(Map<String, List<String>> filters, Instant now) {
        this.filters = filters;
        this.labels = filters.getOrDefault("label", List.of());
        this.notLabels = filters.getOrDefault("label!", List.of());
        List<String> untils = new java.util.ArrayList<>(filters.getOrDefault("until", List.of()));
        untils.addAll(filters.getOrDefault("unused-for", List.of()));
        if (untils.size() > 1) {
            throw EngineException.invalidArgument("invalid filter 'until': more than one given; nothing was removed");
        }
        this.until = untils.isEmpty() ? null : timestamp(untils.get(0), now);
    }

    /** Parses and checks {@code filters} against the keys this prune {@code honoured}; throws before any removal. */
    public static PruneFilters parse(JsonMapper json, String filters, Set<String> honoured) {
        return of(Filters.prune(json, filters, honoured), Instant.now());
    }

    static PruneFilters of(Map<String, List<String>> filters, Instant now) {
        return new PruneFilters(filters, now);
    }

    /** No filter given: the prune takes everything it would take anyway. */
    public boolean isEmpty() {
        return filters.isEmpty();
    }

    /** The values given for {@code key}, or {@code fallback}. */
    public List<String> get(String key, List<String> fallback) {
        return filters.getOrDefault(key, fallback);
    }

    /** Images' {@code dangling=false} (or {@code 0}): every unused image, not only the unnamed ones. */
    public boolean allImages() {
        List<String> d = get("dangling", List.of());
        return d.contains("false") || d.contains("0");
    }

    /** Whether something with these labels, created then, may go. */
    public boolean test(Map<String, String> itsLabels, Instant created) {
        if (!Filters.labels(itsLabels, labels)) {
            return false;
        }
        for (String l : notLabels) {
            if (Filters.labels(itsLabels, List.of(l))) {
                return false;
            }
        }
        // something whose creation time is unknown is kept when a time is asked for
        return until == null || (created != null && created.isBefore(until));
    }

    public <T> Predicate<T> predicate(Function<T, Map<String, String>> labelsOf, Function<T, Instant> createdOf) {
        return t -> test(labelsOf.apply(t), createdOf.apply(t));
    }

    public Predicate<StoredContainer> containers() {
        return predicate(c -> c.config().labels(), c -> c.config().created());
    }

    public Predicate<Image> images() {
        return predicate(i -> i.config() == null ? Map.of() : i.config().labels(), Image::created);
    }

    public Predicate<NetworkConfig> networks() {
        return predicate(NetworkConfig::labels, NetworkConfig::created);
    }

    public Predicate<VolumeConfig> volumes() {
        return predicate(VolumeConfig::labels, VolumeConfig::created);
    }

    public Predicate<StoredPod> pods() {
        return predicate(p -> p.config().labels(), p -> p.config().created());
    }

    /**
     * A point in time as Docker and podman read {@code until}: a Go duration before {@code now}
     * ({@code 24h}, {@code 1h30m}), Unix seconds ({@code 1700000000.5}), RFC 3339 with or without
     * zone (local time then), or a date.
     */
    public static Instant timestamp(String value, Instant now) {
        String v = value.trim();
        java.time.Duration d = duration(v);
        if (d != null) {
            return now.minus(d);
        }
        if (UNIX.matcher(v).matches()) {
            BigDecimal nanos = new BigDecimal(v).movePointRight(9);
            return Instant.EPOCH.plusNanos(nanos.longValueExact());
        }
        try {
            return OffsetDateTime.parse(v).toInstant();
        } catch (DateTimeParseException notWithZone) {
            // tried next without one
        }
        try {
            return LocalDateTime.parse(v).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException notLocal) {
            // tried next as a date
        }
        try {
            return LocalDate.parse(v).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException notADate) {
            throw EngineException.invalidArgument("invalid filter 'until=" + value + "': not a duration (24h), Unix "
                    + "seconds or an RFC 3339 time; nothing was removed");
        }
    }

    /** A Go duration ({@code 1h30m}, {@code 1.5h}, {@code 0}), or null when {@code v} is not one. */
    static java.time.Duration duration(String v) {
        String s = v.startsWith("-") || v.startsWith("+") ? v.substring(1) : v;
        if (s.equals("0")) {
            return java.time.Duration.ZERO;
        }
        if (s.isEmpty()) {
            return null;
        }
        Matcher m = DURATION_PART.matcher(s);
        BigDecimal nanos = BigDecimal.ZERO;
        int at = 0;
        while (m.find() && m.start() == at) {
            BigDecimal unit = switch (m.group(2)) {
                case "ns" -> BigDecimal.ONE;
                case "us", "µs", "μs" -> BigDecimal.valueOf(1_000L);
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(unit));
            at = m.end();
        }
        if (at != s.length()) {
            return null;
        }
        java.time.Duration d = java.time.Duration.ofNanos(nanos.longValue());
        return v.startsWith("-") ? d.negated() : d;
    }
}
