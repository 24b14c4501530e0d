package io.streamcast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.testing.ModelStoreFixture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code streamcast rollback}: LATEST moves back only to a version that exists and verifies. */
class RollbackCommandTest {
    @TempDir
    Path dir;

    private static CommandRun rollback(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "rollback";
        System.arraycopy(args, 0, all, 1, args.length);
        return CommandRun.of(all);
    }

    @Test
    void movesLatestBackToAVersionThatVerifiesAndRefusesTheRest() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        String root = fx.root.toString();
        String n = ModelStoreFixture.NAME;
        fx.publish(1);
        fx.publish(2);
        String corrupt = fx.publishCorrupt(3);
        assertEquals("3", corrupt);

        assertEquals(0, rollback("--store", root, "--name", n, "--to", "1").code());
        assertEquals("1", fx.store.latest(n));

        CommandRun missing = rollback("--store", root, "--name", n, "--to", "9");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("no version '9'") && missing.err().contains("1, 2, 3"), missing.err());

        CommandRun broken = rollback("--store", root, "--name", n, "--to", "3");
        assertEquals(2, broken.code());
        assertTrue(broken.err().contains("does not verify") && broken.err().contains("sha256"), broken.err());
        assertEquals(1, broken.err().strip().lines().count(), "one line: " + broken.err());
        assertEquals("1", fx.store.latest(n), "a broken version never becomes LATEST");

        CommandRun unknownModel = rollback("--store", root, "--name", "other", "--to", "1");
        assertEquals(2, unknownModel.code());
        assertTrue(unknownModel.err().contains("no model 'other'"), unknownModel.err());

        assertEquals(2, rollback("--store", root, "--name", n).code(), "--to is required");
        assertEquals(0, rollback("--help").code());
    }

    @Test
    void refusesAVersionTheRunningJobWouldRejectUnlessForced() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        String root = fx.root.toString();
        String n = ModelStoreFixture.NAME;
        fx.publish(1);           // C = 2
        fx.publish(2, 3);        // C = 3, now LATEST

        CommandRun refused = rollback("--store", root, "--name", n, "--to", "1");
        assertEquals(2, refused.code());
        assertEquals(1, refused.err().strip().lines().count(), "one line: " + refused.err());
        assertTrue(refused.err().contains("channels C 2 (was 3)") && refused.err().contains("--force"), refused.err());
        assertEquals("2", fx.store.latest(n));

        assertEquals(0, rollback("--store", root, "--name", n, "--to", "1", "--force").code());
        assertEquals("1", fx.store.latest(n));
    }
}
