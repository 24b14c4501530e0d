package io.streamcast.job.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.ForecastJob;
import io.streamcast.job.PipelineSettings;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.ModelSpec;
import io.streamcast.job.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reload settings: validated at start, and T and C taken from the version LATEST points at. */
class ModelReloadTest {
    @TempDir
    Path dir;

    @Test
    void settingsAreCheckedWithTheFixInTheMessage() {
        var noName = assertThrows(ConfigException.class, () -> JobConfig.of(Map.of("model.store", dir.toString())));
        assertTrue(noName.getMessage().contains("model.name"), noName.getMessage());
        var perRecord = assertThrows(ConfigException.class, () -> JobConfig.of(Map.of(
                "model.store", dir.toString(), "model.name", "m", "inference.mode", "per-record")));
        assertTrue(perRecord.getMessage().contains("per-record serves a fixed model.bundle"), perRecord.getMessage());
        var interval = assertThrows(ConfigException.class, () -> JobConfig.of(Map.of("model.poll-interval", "0s")));
        assertTrue(interval.getMessage().contains("model.poll-interval"), interval.getMessage());

        JobConfig defaults = JobConfig.of(Map.of());
        assertEquals(Duration.ofSeconds(30), defaults.modelPollInterval());
        assertNull(PipelineSettings.from(defaults, ModelStoreFixture.spec(2)).reload(), "no store: the fixed bundle, no watcher");
    }

    @Test
    void theShapeComesFromLatestAndAnEmptyStoreIsAUsageError() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        JobConfig cfg = JobConfig.of(Map.of("model.store", fx.root.toString(), "model.name", ModelStoreFixture.NAME,
                "model.poll-interval", "2s"));
        var empty = assertThrows(ConfigException.class, () -> ForecastJob.manifest(cfg));
        assertTrue(empty.getMessage().contains("streamcast publish"), empty.getMessage());

        fx.publish(1);
        ModelSpec spec = ForecastJob.manifest(cfg).spec();
        assertEquals(ModelStoreFixture.T, spec.window());
        assertEquals(ModelStoreFixture.C, spec.channelCount());
        ModelReload reload = PipelineSettings.from(cfg, spec).reload();
        assertEquals(new ModelReload(fx.root.toString(), ModelStoreFixture.NAME, Duration.ofSeconds(2),
                10_000, ModelStoreFixture.T, ModelStoreFixture.C), reload);
    }
}
