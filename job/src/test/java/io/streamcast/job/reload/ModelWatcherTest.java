package io.streamcast.job.reload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.testing.ModelStoreFixture;
import io.streamcast.models.ModelBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.core.io.InputStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The watcher's reader on the local file system, polled by the test as Flink's task thread would. */
class ModelWatcherTest {
    @TempDir
    Path dir;

    /** Collects what the reader emits. */
    static final class Collected implements ReaderOutput<ModelUpdate> {
        final List<ModelUpdate> updates = new ArrayList<>();

        @Override
        public void collect(ModelUpdate record) {
            updates.add(record);
        }

        @Override
        public void collect(ModelUpdate record, long timestamp) {
            updates.add(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }

        @Override
        public SourceOutput<ModelUpdate> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
        }
    }

    /** Waits until the reader says data is available, then drains it. */
    private static List<ModelUpdate> next(ModelWatcher.Reader reader) throws Exception {
        reader.isAvailable().get(30, TimeUnit.SECONDS);
        Collected out = new Collected();
        while (reader.pollNext(out) == InputStatus.MORE_AVAILABLE) {
            // drain
        }
        return out.updates;
    }

    @Test
    void emitsLatestAtStartAndOnEveryChangeIncludingARollback() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        var reader = (ModelWatcher.Reader) new ModelWatcher(fx.store, ModelStoreFixture.NAME, Duration.ofMillis(50))
                .createReader(null);
        reader.start();
        try {
            // nothing published: the reader polls and finds nothing, without failing
            reader.poll();
            assertFalse(reader.isAvailable().isDone(), "nothing to emit before a model is published");

            String v1 = fx.publish(1);
            List<ModelUpdate> first = next(reader);
            assertEquals(1, first.size());
            ModelUpdate u1 = first.get(0);
            assertEquals(ModelStoreFixture.NAME, u1.name);
            assertEquals(v1, u1.version);
            Path bundle = fx.dir(v1);
            assertEquals(bundle.toUri().toString().replaceAll("/$", ""), u1.uri.replaceAll("/$", ""), "the URI names the version's directory");
            assertEquals(ModelBundle.readManifest(bundle).networkSha256(), u1.sha256);

            reader.poll(); // LATEST unchanged: nothing new
            Collected none = new Collected();
            assertEquals(InputStatus.NOTHING_AVAILABLE, reader.pollNext(none));
            assertTrue(none.updates.isEmpty());

            String v2 = fx.publish(2);
            assertEquals(List.of(fx.pointer(v2)), next(reader));

            fx.store.setLatest(ModelStoreFixture.NAME, v1); // what rollback does
            assertEquals(List.of(u1), next(reader));
            assertTrue(reader.snapshotState(1).isEmpty(), "the watcher keeps no state");
        } finally {
            reader.close();
        }
    }

    @Test
    void aStoreThatCannotBeReadIsPolledAgainWithoutFailing() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        // LATEST points at a version whose directory is gone: the pointer cannot be made, the watcher carries on
        Files.writeString(fx.root.resolve(ModelStoreFixture.NAME).resolve("LATEST"), "not-a-version\n");
        var reader = (ModelWatcher.Reader) new ModelWatcher(fx.store, ModelStoreFixture.NAME, Duration.ofMillis(50))
                .createReader(null);
        reader.start();
        try {
            reader.poll();
            assertFalse(reader.isAvailable().isDone());
            fx.store.setLatest(ModelStoreFixture.NAME, "1");
            assertEquals(List.of(fx.pointer("1")), next(reader));
        } finally {
            reader.close();
        }
    }
}
