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
        // main code only: test classes come as directories (test-classes) or, from the job's
        // test-jar, as a *-tests.jar, which DO_NOT_INCLUDE_TESTS does not recognise
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar"))
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
    void seesEveryModule() {
        for (String module : new String[] {"io.streamcast.models", "io.streamcast.job", "io.streamcast.bench", "io.streamcast.cli"}) {
            org.junit.jupiter.api.Assertions.assertTrue(classes.containPackage(module), "no classes of " + module + " imported");
        }
        org.junit.jupiter.api.Assertions.assertFalse(classes.contain("io.streamcast.job.ForecastPipelineKafkaIT"), "test classes imported");
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.streamcast.(**)").should().beFreeOfCycles().check(classes);
    }
}
