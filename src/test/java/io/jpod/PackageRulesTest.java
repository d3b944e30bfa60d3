package io.jpod;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the README's Layout section. The engine (domain packages) knows nothing of
 * HTTP; the HTTP APIs and the dashboard are adapters over the engine's services; metrics stay in
 * one place; and no package depends on itself through another.
 */
class PackageRulesTest {

    /** Packages that hold the engine. They may use Spring's core (beans, transactions, data), never the web stack. */
    static final String[] DOMAIN = {"io.jpod.common..", "io.jpod.config..", "io.jpod.container..", "io.jpod.error..",
        "io.jpod.events..", "io.jpod.host..", "io.jpod.image..", "io.jpod.kube..", "io.jpod.lock..",
        "io.jpod.network..", "io.jpod.oci..", "io.jpod.pod..", "io.jpod.runtime..", "io.jpod.state..",
        "io.jpod.storage..", "io.jpod.system..", "io.jpod.volume.."};

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.jpod");
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.jpod.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theEngineKnowsNothingOfHttpNorOfItsAdapters() {
        noClasses().that().resideInAnyPackage(DOMAIN).should().dependOnClassesThat().resideInAnyPackage(
                "io.jpod.api..", "io.jpod.dashboard..", "io.jpod.wiring..", "io.jpod.observability..",
                "org.springframework.web..", "org.springframework.http..", "jakarta.servlet..")
                .check(classes);
    }

    @Test
    void adaptersGoThroughTheServices() {
        noClasses().that().resideInAnyPackage("io.jpod.api..", "io.jpod.dashboard..").should()
                .dependOnClassesThat().haveFullyQualifiedName("io.jpod.state.State")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.jpod.lock.LockManager")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.jpod.lock.Locking")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.jpod.oci.OciRuntime")
                .check(classes);
    }

    @Test
    void micrometerOnlyInObservability() {
        noClasses().that().resideOutsideOfPackage("io.jpod.observability..").should().dependOnClassesThat()
                .resideInAnyPackage("io.micrometer..").check(classes);
    }

    @Test
    void everyPackageSaysWhatItOwns() throws IOException {
        // javac writes no package-info.class for a package without annotations: look at the sources
        Path root = Path.of("src/main/java");
        try (Stream<Path> dirs = Files.walk(root)) {
            List<Path> undescribed = dirs.filter(Files::isDirectory)
                    .filter(d -> hasJava(d) && !Files.exists(d.resolve("package-info.java"))).toList();
            assertThat(undescribed).as("packages without a package-info.java").isEmpty();
        }
    }

    private static boolean hasJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
