package io.streamcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.command.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class JobCommandTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cmd = Cli.commandLine(new Streamcast());
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        return cmd.execute(args);
    }

    @Test
    void printConfigResolvesFileAndOverridesAndMasksSecrets() throws Exception {
        Path file = dir.resolve("job.properties");
        Files.writeString(file, "input.format=json\nkafka.sasl.jaas.config=x password=\"s3cret\";\n");
        assertEquals(0, run("job", "--config", file.toString(), "parallelism=3", "kafka.bootstrap.servers=b:1", "--print-config"), err::toString);
        String shown = out.toString();
        assertTrue(shown.contains("input.format = json"), shown);
        assertTrue(shown.contains("parallelism = 3"), shown);
        assertTrue(shown.contains("kafka.bootstrap.servers = b:1"), shown);
        assertTrue(shown.contains("kafka.sasl.jaas.config = ******"), shown);
        assertFalse(shown.contains("s3cret"), shown);
    }

    @Test
    void badSettingsAreOneLineAndExitCode2() {
        assertEquals(2, run("job", "paralelism=2", "--print-config"));
        assertEquals("streamcast: unknown setting 'paralelism' (did you mean 'parallelism'?); fix: see 'streamcast job --help'"
                + " for the keys, or prefix Kafka client settings with 'kafka.'", err.toString().trim());
    }

    @Test
    void missingModelBundleIsAUsageErrorBeforeAnythingStarts() {
        assertEquals(2, run("job", "kafka.bootstrap.servers=127.0.0.1:1", "model.bundle=" + dir.resolve("none"), "local.web-ui.port=0"));
        assertTrue(err.toString().contains("model.bundle") && err.toString().contains("fix:"), err::toString);
        assertEquals(1, err.toString().trim().lines().count(), err::toString);
    }

    @Test
    void helpListsTheSettings() {
        assertEquals(0, run("job", "--help"));
        assertTrue(out.toString().contains("delivery.transaction-timeout = 10m"), out::toString);
        assertTrue(out.toString().contains("kafka.<client setting>"), out::toString);
    }
}
