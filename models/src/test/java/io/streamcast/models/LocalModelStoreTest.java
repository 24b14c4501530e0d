package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalModelStoreTest {
    @TempDir
    Path tmp;

    @Test
    void publishAssignsVersionsAndMovesLatest() throws Exception {
        Path bundle = tmp.resolve("bundle");
        ModelBundle.createRandom(bundle, "m", ModelBundleTest.FLAT, ModelBundleTest.NORM, 1);
        LocalModelStore store = new LocalModelStore(tmp.resolve("store"));
        assertNull(store.latest("sensors"));
        assertEquals(List.of(), store.versions("sensors"));

        assertEquals("1", store.publish(bundle, "sensors"));
        assertEquals("2", store.publish(bundle, "sensors"));
        assertEquals("2", store.latest("sensors"));
        assertEquals(List.of("1", "2"), store.versions("sensors"));

        try (ForecastModel m = ForecastModel.load(store.resolve("sensors", "2"))) {
            assertEquals("2", m.version(), "the stored manifest records the version");
        }
        assertEquals("dev", ModelBundle.readManifest(bundle).version(), "the source bundle is untouched");

        store.setLatest("sensors", "1");
        assertEquals("1", store.latest("sensors"));
        assertEquals("1\n", Files.readString(tmp.resolve("store/sensors/LATEST")));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> store.setLatest("sensors", "9"));
        try (var files = Files.list(tmp.resolve("store/sensors"))) {
            assertEquals(List.of("1", "2", "LATEST"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temp files left behind");
        }
    }

    @Test
    void versionsSortNumerically() throws Exception {
        LocalModelStore store = new LocalModelStore(tmp);
        for (String v : List.of("1", "10", "2", "9")) Files.createDirectories(tmp.resolve("m").resolve(v));
        Files.createDirectories(tmp.resolve("m/.publish-123"));
        assertEquals(List.of("1", "2", "9", "10"), store.versions("m"));
    }

    @Test
    void badBundleIsNotPublished() throws Exception {
        Path bundle = tmp.resolve("bundle");
        ModelBundle.createRandom(bundle, "m", ModelBundleTest.FLAT, ModelBundleTest.NORM, 1);
        Path net = bundle.resolve(ModelBundle.NETWORK_FILE);
        byte[] b = Files.readAllBytes(net);
        b[b.length / 2] ^= 0x10;
        Files.write(net, b);
        LocalModelStore store = new LocalModelStore(tmp.resolve("store"));
        BundleException e = assertThrows(BundleException.class, () -> store.publish(bundle, "m"));
        assertTrue(e.getMessage().contains("sha256 mismatch"));
        assertEquals(List.of(), store.versions("m"));
        assertNull(store.latest("m"));
    }

    @Test
    void badNamesAreRejected() {
        LocalModelStore store = new LocalModelStore(tmp);
        assertThrows(IllegalArgumentException.class, () -> store.latest("../etc"));
        assertThrows(IllegalArgumentException.class, () -> store.resolve("m", "../1"));
    }
}
