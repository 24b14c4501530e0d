package io.streamcast.job.reload;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source that polls the model store for the LATEST version of one model and emits a
 * {@link ModelUpdate} whenever it changes (and once at start, when a version exists). Run it at
 * parallelism 1 and broadcast its output to the inference operator.
 *
 * <p>It keeps no state: after a restore it emits what LATEST says on its first poll, and the
 * inference operator, which restored its own pointer from the checkpoint, ignores an update equal to
 * what it serves. So an update still being loaded when the checkpoint was taken is never forgotten.
 * A store that cannot be read is logged and polled again; the job keeps running.
 *
 * <p>There is nothing to split: the enumerator assigns nothing and the reader polls on its own thread.
 */
public final class ModelWatcher implements Source<ModelUpdate, ModelWatcher.NoSplit, Void>, ResultTypeQueryable<ModelUpdate> {
    private static final long serialVersionUID = 1L;

    private final ModelStore store;
    private final String name;
    private final long pollMillis;

    public ModelWatcher(ModelStore store, String name, Duration pollInterval) {
        this.store = Objects.requireNonNull(store, "store");
        this.name = Objects.requireNonNull(name, "name");
        if (pollInterval.isNegative() || pollInterval.isZero()) {
            throw new IllegalArgumentException("poll interval must be > 0, got " + pollInterval);
        }
        this.pollMillis = pollInterval.toMillis();
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<ModelUpdate, NoSplit> createReader(SourceReaderContext context) {
        return new Reader(store, name, pollMillis);
    }

    @Override
    public SplitEnumerator<NoSplit, Void> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new NoSplits();
    }

    @Override
    public SplitEnumerator<NoSplit, Void> restoreEnumerator(SplitEnumeratorContext<NoSplit> context, Void checkpoint) {
        return new NoSplits();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new NothingSerializer<>();
    }

    @Override
    public SimpleVersionedSerializer<Void> getEnumeratorCheckpointSerializer() {
        return new NothingSerializer<>();
    }

    @Override
    public TypeInformation<ModelUpdate> getProducedType() {
        return TypeInformation.of(ModelUpdate.class);
    }

    /** Polls on a daemon thread; the task thread only drains what it found. */
    static final class Reader implements SourceReader<ModelUpdate, NoSplit> {
        private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

        private final ModelStore store;
        private final String name;
        private final long pollMillis;
        private final ArrayDeque<ModelUpdate> found = new ArrayDeque<>();
        private CompletableFuture<Void> available = new CompletableFuture<>();
        private ScheduledExecutorService poller;
        /** Touched by the poller thread only. */
        private String lastVersion;
        private String lastProblem;

        Reader(ModelStore store, String name, long pollMillis) {
            this.store = store;
            this.name = name;
            this.pollMillis = pollMillis;
        }

        @Override
        public void start() {
            poller = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "model-watcher-" + name);
                t.setDaemon(true);
                return t;
            });
            LOG.info("watching {} for LATEST of model '{}' every {} ms", store, name, pollMillis);
            poller.scheduleWithFixedDelay(this::poll, 0, pollMillis, TimeUnit.MILLISECONDS);
        }

        /** One look at LATEST; never throws (a throwing task would end the schedule). */
        void poll() {
            try {
                String version = store.latest(name);
                if (version == null) {
                    problem("nothing published under '" + name + "' yet (no LATEST); forecasts wait for a model");
                    return;
                }
                if (version.equals(lastVersion)) return;
                ModelUpdate update = store.pointer(name, version);
                LOG.info("model '{}': LATEST is now version {} ({})", name, version, update.uri);
                lastVersion = version;
                lastProblem = null;
                synchronized (found) {
                    found.add(update);
                    available.complete(null);
                }
            } catch (IOException | RuntimeException e) {
                problem("cannot read LATEST of '" + name + "' in " + store + ": " + e);
            }
        }

        private void problem(String message) {
            if (!message.equals(lastProblem)) { // once per distinct problem, not every poll
                LOG.warn("{} (polling again every {} ms)", message, pollMillis);
                lastProblem = message;
            }
        }

        @Override
        public InputStatus pollNext(ReaderOutput<ModelUpdate> output) {
            ModelUpdate next;
            boolean more;
            synchronized (found) {
                next = found.poll();
                more = !found.isEmpty();
                if (!more && available.isDone()) available = new CompletableFuture<>(); // drained: wait for the poller
            }
            if (next != null) output.collect(next);
            return more ? InputStatus.MORE_AVAILABLE : InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            synchronized (found) {
                return found.isEmpty() ? available : CompletableFuture.completedFuture(null);
            }
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void addSplits(List<NoSplit> splits) {
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void close() {
            if (poller != null) poller.shutdownNow();
        }
    }

    /** The split type of a source that has no splits. */
    public static final class NoSplit implements SourceSplit {
        @Override
        public String splitId() {
            return "none";
        }
    }

    static final class NoSplits implements SplitEnumerator<NoSplit, Void> {
        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtaskId, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtaskId) {
        }

        @Override
        public void addReader(int subtaskId) {
        }

        @Override
        public Void snapshotState(long checkpointId) {
            return null;
        }

        @Override
        public void close() {
        }
    }

    /** Writes nothing: there is nothing to keep. */
    static final class NothingSerializer<T> implements SimpleVersionedSerializer<T> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(T obj) {
            return new byte[0];
        }

        @Override
        @SuppressWarnings("unchecked")
        public T deserialize(int version, byte[] serialized) {
            return (T) (Object) null;
        }
    }
}
