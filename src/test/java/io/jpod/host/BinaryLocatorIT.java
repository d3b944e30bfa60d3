package io.jpod.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.jpod.config.BuiltinDefaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery against the real runc and conmon installed on the host, and against fake candidate paths. */
class BinaryLocatorIT {

    @TempDir
    Path tmp;

    @Test
    void findsTheInstalledRuncThroughTheDefaultCandidates() {
        BinaryDiscovery d = BinaryLocator.ociRuntime("runc", Map.of("runc", BuiltinDefaults.RUNC_PATHS));
        assertThat(d.found()).as(d.problem()).isTrue();
        assertThat(d.name()).isEqualTo("runc");
        assertThat(Files.isRegularFile(d.path())).isTrue();
        assertThat(d.version()).startsWith("runc version");
    }

    @Test
    void findsTheInstalledConmonThroughTheDefaultCandidates() {
        BinaryDiscovery d = BinaryLocator.conmon(BuiltinDefaults.CONMON_PATHS);
        assertThat(d.found()).as(d.problem()).isTrue();
        assertThat(d.version()).startsWith("conmon version");
    }

    @Test
    void absolutePathIsUsedAsIsAndNamedByItsBasename() throws Exception {
        Path runc = realRunc();
        BinaryDiscovery d = BinaryLocator.ociRuntime(runc.toString(), Map.of());
        assertThat(d.found()).isTrue();
        assertThat(d.name()).isEqualTo(runc.getFileName().toString());
        assertThat(d.path()).isEqualTo(runc);
    }

    @Test
    void absolutePathThatDoesNotExist() {
        String missing = tmp.resolve("nope/runc").toString();
        BinaryDiscovery d = BinaryLocator.ociRuntime(missing, Map.of());
        assertThat(d.found()).isFalse();
        assertThat(d.problem()).isEqualTo("the specified OCI runtime " + missing + " does not exist");
        assertThat(d.hint()).contains("apt-get install runc");
    }

    @Test
    void absolutePathThatIsADirectory() {
        BinaryDiscovery d = BinaryLocator.ociRuntime(tmp.toString(), Map.of());
        assertThat(d.problem()).isEqualTo("the specified OCI runtime " + tmp + " is not a valid file");
    }

    @Test
    void candidatesSkipMissingAndNonRegularEntriesInOrder() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("dir-runc"));
        String real = realRunc().toString();
        BinaryDiscovery d = BinaryLocator.ociRuntime("runc",
                Map.of("runc", List.of(tmp.resolve("missing").toString(), dir.toString(), real)));
        assertThat(d.path().toString()).isEqualTo(real);
        assertThat(d.candidates()).hasSize(3);
    }

    @Test
    void noCandidateFitsListsTheConfiguredOptions() {
        BinaryDiscovery d = BinaryLocator.ociRuntime("runc",
                Map.of("runc", List.of(tmp.resolve("a").toString(), tmp.resolve("b").toString())));
        assertThat(d.found()).isFalse();
        assertThat(d.problem()).startsWith("could not find a working binary (configured options:")
                .contains(tmp.resolve("a").toString());
        assertThat(d.candidates()).containsExactly(tmp.resolve("a").toString(), tmp.resolve("b").toString());
    }

    @Test
    void unknownRuntimeNameIsReported() {
        BinaryDiscovery d = BinaryLocator.ociRuntime("kata", Map.of("runc", BuiltinDefaults.RUNC_PATHS));
        assertThat(d.found()).isFalse();
        assertThat(d.problem()).contains("\"kata\" is not configured");
        assertThat(d.hint()).contains("apt-get install kata");
    }

    @Test
    void conmonSkipsDirectoriesAndMissingEntries() throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("conmon-dir"));
        BinaryDiscovery miss = BinaryLocator.conmon(List.of(dir.toString(), tmp.resolve("x").toString()));
        assertThat(miss.found()).isFalse();
        assertThat(miss.problem()).startsWith("could not find a working conmon binary (configured options: [");
        assertThat(miss.hint()).contains("apt-get install conmon");
        BinaryDiscovery hit = BinaryLocator.conmon(List.of(dir.toString(), "/usr/bin/conmon"));
        assertThat(hit.path()).isEqualTo(Path.of("/usr/bin/conmon"));
    }

    private static Path realRunc() {
        return BuiltinDefaults.RUNC_PATHS.stream().map(Path::of).filter(Files::isRegularFile).findFirst()
                .orElseThrow(() -> new AssertionError("runc is not installed; run config/host-setup.sh"));
    }
}
