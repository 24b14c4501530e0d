package io.streamcast.job.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.ModelBundle;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's layout, written by publish and setLatest and read back, on the local file system. */
class ModelStoreTest {
    @TempDir
    Path dir;

    @Test
    void publishAssignsVersionsAndMovesLatest() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        ModelStore s = fx.store;
        String n = ModelStoreFixture.NAME;
        assertNull(s.latest(n));
        assertEquals(List.of(), s.versions(n));
        Path bundle = fx.bundle(1, ModelStoreFixture.C);
        assertEquals("1", s.publish(bundle, n));
        assertEquals("2", s.publish(bundle, n));
        assertEquals("2", s.latest(n));
        assertEquals(List.of("1", "2"), s.versions(n));
        try (ForecastModel m = ForecastModel.load(fx.dir("2"))) {
            assertEquals("2", m.version(), "the stored manifest records the version");
        }
        assertEquals("dev", ModelBundle.readManifest(bundle).version(), "the source bundle is untouched");

        s.setLatest(n, "1");
        assertEquals("1", s.latest(n));
        assertEquals("1\n", Files.readString(fx.root.resolve(n).resolve(ModelStore.LATEST)));
        assertThrows(FileNotFoundException.class, () -> s.setLatest(n, "7"));
        assertEquals("1", s.latest(n));
        try (var files = Files.list(fx.root.resolve(n))) {
            assertEquals(List.of("1", "2", "LATEST"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp files left behind");
        }
    }

    @Test
    void concurrentPublishersEachGetAVersion() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        Path bundle = fx.bundle(1, ModelStoreFixture.C);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<String>> done = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) done.add(pool.submit(() -> fx.store.publish(bundle, ModelStoreFixture.NAME)));
            List<String> versions = new ArrayList<>();
            for (Future<String> f : done) versions.add(f.get());
            Collections.sort(versions);
            assertEquals(List.of("1", "2", "3", "4"), versions);
        } finally {
            pool.shutdownNow();
        }
        for (String v : List.of("1", "2", "3", "4")) {
            assertEquals(v, ModelBundle.readManifest(fx.dir(v)).version(), "each version directory is whole");
        }
    }

    @Test
    void versionsSortNumericallyAndSkipHiddenDirectories() throws Exception {
        ModelStore s = new ModelStore(dir.toString());
        for (String v : List.of("1", "10", "2", "9")) Files.createDirectories(dir.resolve("m").resolve(v));
        Files.createDirectories(dir.resolve("m/.publish-123"));
        assertEquals(List.of("1", "2", "9", "10"), s.versions("m"));
    }

    @Test
    void aCorruptBundleIsNotPublished() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        Path bundle = fx.bundle(1, ModelStoreFixture.C);
        Path net = bundle.resolve(ModelBundle.NETWORK_FILE);
        byte[] b = Files.readAllBytes(net);
        b[b.length / 2] ^= 0x10;
        Files.write(net, b);
        BundleException e = assertThrows(BundleException.class, () -> fx.store.publish(bundle, ModelStoreFixture.NAME));
        assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
        assertEquals(List.of(), fx.store.versions(ModelStoreFixture.NAME));
        assertNull(fx.store.latest(ModelStoreFixture.NAME));
    }

    @Test
    void aLocalBundleIsUsedInPlaceAndAFileUriWorksAsARoot() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        var viaUri = new ModelStore(fx.root.toUri().toString());
        assertEquals("1", viaUri.latest(ModelStoreFixture.NAME));
        ModelUpdate p = viaUri.pointer(ModelStoreFixture.NAME, "1");
        try (var local = ModelStore.localCopy(p.uri, dir.resolve("scratch"))) {
            assertFalse(local.temporary(), "the local file system needs no copy");
            assertEquals(fx.dir("1").toRealPath(), local.dir().toRealPath());
        }
    }

    @Test
    void badNamesAndVersionsAreRejected() {
        ModelStore s = new ModelStore(dir.toString());
        assertThrows(IllegalArgumentException.class, () -> s.latest("../etc"));
        assertThrows(IllegalArgumentException.class, () -> s.bundle("m", "../1"));
        assertThrows(IllegalArgumentException.class, () -> s.publish(dir, "a/b"));
    }
}
