package io.streamcast.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.cli.Streamcast;
import io.streamcast.command.Cli;
import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code streamcast publish} refuses a bundle the running job would reject (T, C or head changed) unless forced. */
class PublishCommandTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run publish(String... args) {
        CommandLine cmd = Cli.commandLine(new Streamcast());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out));
        cmd.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "publish";
        System.arraycopy(args, 0, all, 1, args.length);
        return new Run(cmd.execute(all), out.toString(), err.toString());
    }

    private Path bundle(String name, int window, Head head) throws Exception {
        Path b = dir.resolve(name);
        ModelSpec spec = new ModelSpec(window, List.of("a", "b"), 3, head, PerStepTarget.NEXT, 8, 1, "tanh", 1000);
        ModelBundle.createRandom(b, ModelStoreFixture.NAME, spec, Normalizer.identity(2), 5L);
        return b;
    }

    @Test
    void aChangeOfWindowOrHeadIsRefusedWithOneLineNamingIt() throws Exception {
        String store = dir.resolve("store").toString();
        assertEquals(0, publish(bundle("v1", 4, Head.FLAT).toString(), "--store", store).code());
        assertEquals(0, publish(bundle("v2", 4, Head.FLAT).toString(), "--store", store).code(), "same shape: published");

        Run refused = publish(bundle("v3", 6, Head.PER_STEP).toString(), "--store", store);
        assertEquals(2, refused.code());
        assertEquals(1, refused.err().strip().lines().count(), "one line: " + refused.err());
        assertTrue(refused.err().contains("window T 6 (was 4), head per-step (was flat)")
                && refused.err().contains("version 2") && refused.err().contains("--force"), refused.err());

        Run forced = publish(dir.resolve("v3").toString(), "--store", store, "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("3", forced.out().strip());
    }
}
