package io.jpod.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Query values bind as Go's ParseBool and base-10 ParseInt read them, and API versions as Docker bounds them. */
class QueryBindingTest {

    @Test
    void booleansAreGosParseBool() {
        for (String t : new String[] {"1", "t", "T", "TRUE", "true", "True"}) {
            assertThat(QueryBinding.bool(t)).as(t).isTrue();
        }
        for (String f : new String[] {"0", "f", "F", "FALSE", "false", "False"}) {
            assertThat(QueryBinding.bool(f)).as(f).isFalse();
        }
        assertThat(QueryBinding.bool("")).isNull();
        for (String bad : new String[] {"abc", "1_000", "null", "yes", "on", " true", "tRUE", "2"}) {
            assertThatThrownBy(() -> QueryBinding.bool(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void integersAreBaseTenWithinTheirRange() {
        assertThat(QueryBinding.integer("-1", Integer.MIN_VALUE, Integer.MAX_VALUE)).isEqualTo(-1L);
        assertThat(QueryBinding.integer("+7", Integer.MIN_VALUE, Integer.MAX_VALUE)).isEqualTo(7L);
        for (String bad : new String[] {"1 ", " 1", "0x10", "#10", "1_000", "1.5", "1e3", "2147483648",
                "99999999999999999999", "--1", "abc"}) {
            assertThatThrownBy(() -> QueryBinding.integer(bad, Integer.MIN_VALUE, Integer.MAX_VALUE)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void apiVersionsOutsideTheServedRangeAreRefused() {
        assertThat(ApiVersions.refusal("1.41", false)).isNull();
        assertThat(ApiVersions.refusal("1.24", false)).isNull();
        assertThat(ApiVersions.refusal("9.99", false)).contains("too new");
        assertThat(ApiVersions.refusal("1.12", false)).contains("too old");
        assertThat(ApiVersions.refusal("1.999999999999", false)).contains("too new");
        assertThat(ApiVersions.refusal("4.3.1", true)).isNull();
        assertThat(ApiVersions.refusal("4.0.0", true)).isNull();
        assertThat(ApiVersions.refusal("5.0.0", true)).contains("too new");
        assertThat(ApiVersions.refusal("3.4.0", true)).contains("too old");
    }
}
