package io.jpod.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NameGeneratorTest {

    @Test
    void wordListsHaveTheCurrentMobySizes() {
        assertThat(NameGenerator.ADJECTIVES).hasSize(108).doesNotHaveDuplicates();
        assertThat(NameGenerator.SURNAMES).hasSize(236).doesNotHaveDuplicates();
    }

    @Test
    void neverProducesBoringWozniakAndCoversManyPairs() {
        NameGenerator g = new NameGenerator(new Random(7));
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 200_000; i++) {
            String n = g.next(0);
            assertThat(n).isNotEqualTo("boring_wozniak");
            names.add(n);
        }
        assertThat(names.size()).isGreaterThan(25_000).isLessThanOrEqualTo(108 * 236 - 1);
    }

    @Test
    void retryAppendsOneDigit() {
        assertThat(new NameGenerator(new Random(1)).next(1)).matches("[a-z]+_[a-z]+[0-9]");
    }

    @Test
    void userNamesAreValidated() {
        Names.validate("web-1.prod_x");
        Names.validate("9lives");
        for (String bad : new String[] {"", "-x", "_x", ".x", "a b", "a/b", "ü"}) {
            assertThatThrownBy(() -> Names.validate(bad)).isInstanceOfSatisfying(EngineException.class,
                    e -> assertThat(e.category()).isEqualTo(EngineException.Category.INVALID_ARGUMENT));
        }
    }
}
