package io.streamcast.cli.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.cli.CommandRun;
import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamcast publish} refuses a bundle the running job would reject (T, C or head changed) unless forced. */
class PublishCommandTest {
    @TempDir
    Path dir;

    private static CommandRun publish(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "publish";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.of(all);
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

        CommandRun refused = publish(bundle("v3", 6, Head.PER_STEP).toString(), "--store", store);
        assertEquals(2, refused.code());
        assertEquals(1, refused.err().strip().lines().count(), "one line: " + refused.err());
        assertTrue(refused.err().contains("window T 6 (was 4), head per-step (was flat)")
                && refused.err().contains("version 2") && refused.err().contains("--force"), refused.err());

        CommandRun forced = publish(dir.resolve("v3").toString(), "--store", store, "--force");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("3", forced.out().strip());
    }
}
