package io.streamcast.job.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.job.testing.ModelStoreFixture;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Flink file system view of a store agrees with what LocalModelStore (publish) writes. */
class FlinkFileSystemModelStoreTest {
    @TempDir
    Path dir;

    @Test
    void readsAndMovesLatestAsTheLocalStoreWritesIt() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        FlinkFileSystemModelStore s = fx.flinkStore;
        assertNull(s.latest(ModelStoreFixture.NAME));
        assertEquals(List.of(), s.versions(ModelStoreFixture.NAME));
        fx.publish(1);
        fx.publish(2);
        assertEquals("2", s.latest(ModelStoreFixture.NAME));
        assertEquals(List.of("1", "2"), s.versions(ModelStoreFixture.NAME));

        s.setLatest(ModelStoreFixture.NAME, "1");
        assertEquals("1", fx.store.latest(ModelStoreFixture.NAME), "LocalModelStore sees the move");
        assertThrows(FileNotFoundException.class, () -> s.setLatest(ModelStoreFixture.NAME, "7"));
        assertEquals("1", s.latest(ModelStoreFixture.NAME));
        try (var files = Files.list(fx.root.resolve(ModelStoreFixture.NAME))) {
            assertEquals(List.of(), files.filter(p -> p.getFileName().toString().startsWith(".")).toList(), "no temp files left");
        }
    }

    @Test
    void aLocalBundleIsUsedInPlaceAndAFileUriWorksAsARoot() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        var viaUri = new FlinkFileSystemModelStore(fx.root.toUri().toString());
        assertEquals("1", viaUri.latest(ModelStoreFixture.NAME));
        ModelUpdate p = viaUri.pointer(ModelStoreFixture.NAME, "1");
        try (var local = FlinkFileSystemModelStore.localCopy(p.uri, dir.resolve("scratch"))) {
            assertFalse(local.temporary(), "the local file system needs no copy");
            assertEquals(fx.store.resolve(ModelStoreFixture.NAME, "1").toRealPath(), local.dir().toRealPath());
        }
        assertThrows(IllegalArgumentException.class, () -> viaUri.latest("../etc"));
    }
}
