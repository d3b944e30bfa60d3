package io.jpod.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NameOrIdLookupTest {

    @Test
    void theRangeEndIsThePrefixWithItsLastCharRaised() {
        assertThat(NameOrIdLookup.next("abc")).isEqualTo("abd");
        assertThat(NameOrIdLookup.next("f")).isEqualTo("g");
        assertThat(NameOrIdLookup.next("9")).isEqualTo(":");
        // every ID with the prefix sorts inside [prefix, next), nothing else does
        String id = "abcf00";
        assertThat(id.compareTo("abc")).isPositive();
        assertThat(id.compareTo(NameOrIdLookup.next("abc"))).isNegative();
        assertThat("abd0".compareTo(NameOrIdLookup.next("abc"))).isNotNegative();
    }

    @Test
    void prefixesWithoutANextCharKeepTheScan() {
        assertThat(NameOrIdLookup.next("a\uffff")).isNull();
        assertThat(NameOrIdLookup.next("a\ud83d")).isNull();
        assertThat(NameOrIdLookup.next("\ud7ff")).isNull();
    }
}
