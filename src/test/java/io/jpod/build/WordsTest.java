package io.jpod.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jpod.error.EngineException;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WordsTest {

    private static final Map<String, String> ENV = Map.of("HOME", "/root", "EMPTY", "", "SP", "a  b", "X", "x");
    private static final Function<String, String> LOOKUP = ENV::get;

    private static String expand(String text) {
        return Words.expand(text, '\\', LOOKUP);
    }

    @Test
    void variablesAndModifiers() {
        assertThat(expand("$HOME/x ${HOME}y $UNSET.")).isEqualTo("/root/x /rooty .");
        assertThat(expand("${UNSET:-def} ${EMPTY:-def} ${EMPTY-def} ${UNSET-def} ${X:-def}"))
                .isEqualTo("def def  def x");
        assertThat(expand("[${X:+alt}] [${EMPTY:+alt}] [${EMPTY+alt}] [${UNSET+alt}]"))
                .isEqualTo("[alt] [] [alt] []");
        assertThat(expand("${X:?boom}")).isEqualTo("x");
        assertThat(expand("${EMPTY?boom}")).isEqualTo("");
        assertThat(expand("$ and $1 and $- and $@x and ${10}")).as("special parameters are never set")
                .isEqualTo("$ and  and  and x and ");
    }

    @Test
    void nestedDefaultsAndQuotesInsideModifierWords() {
        assertThat(expand("${UNSET:-${ALSO:-${X}}}")).isEqualTo("x");
        assertThat(expand("${UNSET:-'a b' \"$X\"}")).isEqualTo("a b x");
        assertThat(expand("${UNSET:-a\\}b}")).isEqualTo("a}b");
    }

    @Test
    void quotesAndEscapes() {
        assertThat(expand("'$HOME' \"$HOME\" \\$HOME")).isEqualTo("$HOME /root $HOME");
        assertThat(expand("\"a \\\"q\\\" \\$X \\\\ \\n\"")).isEqualTo("a \"q\" $X \\ \\n");
        assertThat(expand("it\\'s")).isEqualTo("it's");
        assertThat(expand("trailing\\")).isEqualTo("trailing");
        assertThat(expand("'it''s'")).isEqualTo("its");
    }

    @Test
    void backtickEscapeLeavesBackslashesAlone() {
        assertThat(Words.expand("C:\\Users\\$X `$X \"a`\"b\"", '`', LOOKUP)).isEqualTo("C:\\Users\\x $X a\"b");
    }

    @Test
    void patternModifiers() {
        Function<String, String> env = Map.of("F", "archive.tar.gz", "P", "/usr/local/bin")::get;
        assertThat(Words.expand("${F#*.} ${F##*.} ${F%.*} ${F%%.*}", '\\', env))
                .isEqualTo("tar.gz gz archive.tar archive");
        assertThat(Words.expand("${P/local/opt} ${P//\\//:} ${P/l?cal/} ${UNSET#x}", '\\', env))
                .isEqualTo("/usr/opt/bin :usr:local:bin /usr//bin ");
        assertThat(Words.expand("${F%.t?r.gz}", '\\', env)).isEqualTo("archive");
        assertThatThrownBy(() -> Words.expand("${F#\\x}", '\\', env)).hasMessageContaining("invalid escape");
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> expand("${UNSET:?must be set}")).isInstanceOf(EngineException.class)
                .hasMessage("UNSET: must be set");
        assertThatThrownBy(() -> expand("${EMPTY:?}")).hasMessage("EMPTY: is not allowed to be empty");
        assertThatThrownBy(() -> expand("${UNSET?}")).hasMessage("UNSET: is not allowed to be unset");
        assertThatThrownBy(() -> expand("${X:%.txt}")).isInstanceOf(EngineException.class)
                .hasMessageContaining("unsupported modifier (:%)");
        assertThatThrownBy(() -> expand("${X^^}")).hasMessageContaining("unsupported modifier (^)");
        assertThatThrownBy(() -> expand("${:x}")).hasMessageContaining("bad substitution");
        assertThatThrownBy(() -> expand("${X")).hasMessageContaining("missing '}'");
        assertThatThrownBy(() -> expand("${UNSET:-abc")).hasMessageContaining("missing '}'");
        assertThatThrownBy(() -> expand("${}")).hasMessageContaining("bad substitution");
        assertThatThrownBy(() -> expand("'open")).hasMessageContaining("single-quote");
        assertThatThrownBy(() -> expand("\"open")).hasMessageContaining("double-quote");
    }

    @Test
    void splitKeepsQuotedWhitespaceAndSplitsUnquotedValues() {
        assertThat(Words.split("  a \"b c\" 'd  e'f $SP \"$SP\" g\\ h ", '\\', LOOKUP))
                .containsExactly("a", "b c", "d  ef", "a", "b", "a  b", "g h");
        assertThat(Words.split("\"\" x ''", '\\', LOOKUP)).as("empty quotes make no word, as in Docker")
                .containsExactly("x");
        assertThat(Words.split("   ", '\\', LOOKUP)).isEmpty();
        assertThat(Words.split("$UNSET", '\\', LOOKUP)).isEmpty();
        assertThat(Words.split("${UNSET:-p q}", '\\', LOOKUP)).containsExactly("p", "q");
    }

    @Test
    void pairs() {
        assertThat(Words.pairs("a=b c=\"d e\" f='$X' g=$X h=", '\\', LOOKUP, true))
                .containsExactly(Map.entry("a", "b"), Map.entry("c", "d e"), Map.entry("f", "$X"),
                        Map.entry("g", "x"), Map.entry("h", ""));
        assertThat(Words.pairs("key value with  \"quoted $X\" spaces", '\\', LOOKUP, true))
                .containsExactly(Map.entry("key", "value with  quoted x spaces"));
        java.util.LinkedHashMap<String, String> args = Words.pairs("a=b\\ c d", '\\', LOOKUP, false);
        assertThat(args).containsOnlyKeys("a", "d").containsEntry("a", "b c");
        assertThat(args.get("d")).as("an ARG without default").isNull();
        assertThatThrownBy(() -> Words.pairs("a=b c", '\\', LOOKUP, true)).hasMessageContaining("can't find = in \"c\"");
        assertThatThrownBy(() -> Words.pairs("lonely", '\\', LOOKUP, true)).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> Words.pairs("=x", '\\', LOOKUP, true)).hasMessageContaining("blank");
    }
}
