package io.streamcast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module structure as rules over the compiled classes of every module (the CLI's test classpath
 * holds them all): models knows no Flink and no command line, the job no command line and no
 * benchmark libraries, and no package of the code base depends on one that depends back on it.
 */
class ArchitectureTest {
    static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.streamcast");
    }

    @Test
    void modelsNeedNeitherFlinkNorTheCommandLine() {
        noClasses().that().resideInAPackage("io.streamcast.models..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..", "picocli..",
                        "io.streamcast.job..", "io.streamcast.cli..", "io.streamcast.tools..", "io.streamcast.bench..")
                .check(classes);
    }

    @Test
    void theJobHoldsOnlyTheJob() {
        noClasses().that().resideInAPackage("io.streamcast.job..")
                .should().dependOnClassesThat().resideInAnyPackage("picocli..", "org.openjdk.jmh..", "org.HdrHistogram..",
                        "org.knowm.xchart..", "io.jhdf..", "io.streamcast.cli..", "io.streamcast.tools..",
                        "io.streamcast.bench..", "io.streamcast.process..")
                .check(classes);
    }

    @Test
    void nothingBelowTheCommandLineImportsIt() {
        noClasses().that().resideInAnyPackage("io.streamcast.bench..", "io.streamcast.process..")
                .should().dependOnClassesThat().resideInAnyPackage("io.streamcast.cli..", "io.streamcast.tools..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.streamcast.(**)").should().beFreeOfCycles().check(classes);
    }
}
