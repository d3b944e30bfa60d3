package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConfigCacheTest {

    final AtomicInteger parses = new AtomicInteger();

    ContainerConfig parse(String json) {
        parses.incrementAndGet();
        return new ContainerConfig("id1", json, "", null, 1, Instant.EPOCH, null, null, List.of("sh"), Map.of(),
                false);
    }

    @Test
    void theSameTextIsParsedOnceAndARewriteAgain() {
        ConfigCache cache = new ConfigCache();
        ContainerConfig first = cache.get("id1", "a", this::parse);
        assertThat(cache.get("id1", new String("a"), this::parse)).isSameAs(first);
        assertThat(parses).hasValue(1);
        assertThat(cache.get("id1", "b", this::parse).name()).isEqualTo("b");
        assertThat(parses).hasValue(2);
        cache.forget("id1");
        assertThat(cache.size()).isZero();
        cache.get("id1", "b", this::parse);
        assertThat(parses).hasValue(3);
    }

    @Test
    void growthIsBounded() {
        ConfigCache cache = new ConfigCache();
        for (int i = 0; i <= ConfigCache.MAX_ENTRIES; i++) {
            cache.get("id" + i, "x", this::parse);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(ConfigCache.MAX_ENTRIES);
    }
}
