package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.reload.BundleValidator;
import io.streamcast.job.reload.ModelUpdate;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Nd4jRuntime;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batched inference with hot model reload: input 1 are the assembler's steps (they pass through at
 * once, their windows are scored; see {@link Inference}), input 2 the broadcast {@link ModelUpdate}s
 * of the model watcher.
 *
 * <ul>
 *   <li>Micro-batching as {@link BatchedInferenceOperator}: up to {@code maxBatch} windows or
 *       {@code flushTimeout}, one predict call per batch, flushed before every checkpoint barrier;
 *       a watermark that arrives while windows are buffered leaves after their forecasts.</li>
 *   <li>Broadcast state holds only the pointer being served (name, version, uri, sha256), never the
 *       network. After a restore the operator re-reads that bundle from the store and serves it
 *       before anything else, then follows the watcher.</li>
 *   <li>An update is loaded and validated ({@link BundleValidator}: checksum, same T and C, finite
 *       probe) on a background thread, so windows keep being scored meanwhile; the task thread swaps
 *       the model in when no batch is open, so a batch is scored by one version. A rejected bundle is
 *       logged with its reason and counted ({@code reloadsRejected}); the current model keeps serving.</li>
 *   <li>Until the first model exists, windows wait in operator state (checkpointed) and are scored
 *       when it arrives; watermarks wait with them. At {@code awaitLimit} waiting windows the task
 *       thread waits for a model that is loading; with none loading, the job fails with the fix in the
 *       message, restarts from its checkpoint and loses nothing (the readings stay in Kafka).</li>
 * </ul>
 * Metrics: {@code modelVersion} (gauge, per subtask; {@code modelVersionNumber} its numeric twin), {@code reloadsAccepted}, {@code reloadsRejected},
 * {@code windowsAwaitingModel}, {@code windowsScored}, {@code batchSize}, {@code inferenceLatencyMicros}.
 */
public class ReloadingInferenceOperator extends AbstractStreamOperator<Either<AcceptedStep, WindowForecast>>
        implements TwoInputStreamOperator<AcceptedStep, ModelUpdate, Either<AcceptedStep, WindowForecast>>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;

    /** Broadcast state: one entry, {@link #SERVING} -> the pointer of the model being served. */
    public static final MapStateDescriptor<String, ModelUpdate> POINTER =
            new MapStateDescriptor<>("model-pointer", String.class, ModelUpdate.class);
    static final String SERVING = "serving";
    /** How often the task thread looks whether a background load finished. */
    static final long RELOAD_CHECK_MILLIS = 50;
    private static final Logger LOG = LoggerFactory.getLogger(ReloadingInferenceOperator.class);

    private final InferenceConfig cfg;
    private final BundleValidator validator;
    private final int awaitLimit;

    private transient ModelHolder model;
    /** Read by the metric reporter's thread too. */
    private transient volatile ModelUpdate serving;
    private transient ModelUpdate restoredPointer;
    /** Windows not yet scored, in arrival order: the open batch, or all of them while there is no model. */
    private transient WindowBatch batch;
    private transient ScheduledFuture<?> flushTimer;
    private transient ScheduledFuture<?> reloadTimer;

    private transient ExecutorService loader;
    private transient CompletableFuture<Loaded> loading;
    private transient ModelUpdate loadingUpdate;
    /** The newest update that arrived while another was loading. */
    private transient ModelUpdate queued;

    private transient BroadcastState<String, ModelUpdate> pointerState;

    private transient Counter reloadsAccepted;
    private transient Counter reloadsRejected;

    public ReloadingInferenceOperator(InferenceConfig cfg, BundleValidator validator, int awaitLimit) {
        if (awaitLimit < 1) throw new IllegalArgumentException("awaitLimit must be >= 1, got " + awaitLimit);
        this.cfg = cfg;
        this.validator = validator;
        this.awaitLimit = awaitLimit;
    }

    /** The outcome of a background load: a model, or the reason it was rejected. */
    private record Loaded(ModelUpdate update, ForecastModel model, String rejection) {
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        pointerState = context.getOperatorStateStore().getBroadcastState(POINTER);
        restoredPointer = pointerState.get(SERVING);
        batch = new WindowBatch(context.getOperatorStateStore());
    }

    @Override
    public void open() throws Exception {
        super.open();
        // loaded off the task thread: a cancellation during the first start must not break ND4J for the TaskManager
        Nd4jRuntime.ensureLoaded();
        // the job sets this itself: with ND4J's default (all cores) two slots are 2-3x slower
        Nd4jRuntime.limitThreads(1);
        model = cfg.holder(null);
        loader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "model-loader-" + getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks());
            t.setDaemon(true);
            return t;
        });
        var metrics = getMetricGroup();
        batch.registerMetrics(metrics);
        reloadsAccepted = metrics.counter("reloadsAccepted");
        reloadsRejected = metrics.counter("reloadsRejected");
        metrics.gauge("modelVersion", () -> serving == null ? "none" : serving.version);
        // numeric twin for reporters that drop string gauges (Prometheus): -1 = none or not a store version
        metrics.gauge("modelVersionNumber", () -> {
            ModelUpdate s = serving;
            return s != null && s.version.matches("[0-9]{1,18}") ? Long.parseLong(s.version) : -1L;
        });
        metrics.gauge("windowsAwaitingModel", () -> model.isLoaded() ? 0 : batch.size());

        if (restoredPointer != null) {
            // the checkpoint's version serves first, re-read by its pointer, before any update is looked at
            try {
                model.swap(validator.load(restoredPointer), restoredPointer.name, restoredPointer.version);
                serving = restoredPointer;
                LOG.info("serving {} restored from the checkpoint", restoredPointer.label());
            } catch (BundleValidator.Rejected e) {
                reloadsRejected.inc();
                LOG.error("the checkpoint's model {} cannot be loaded any more ({}); windows wait for the watcher's next update",
                        restoredPointer.label(), e.getMessage());
            }
        }
        if (model.isLoaded() && !batch.isEmpty()) {
            scheduleFlush(); // restored windows are scored before anything new
        }
    }

    @Override
    public void processElement1(StreamRecord<AcceptedStep> element) throws Exception {
        if (batch.isEmpty()) swapIfLoaded();
        if (!batch.add(element, output)) return;
        if (!model.isLoaded()) {
            if (batch.size() >= awaitLimit) awaitFirstModel();
            return;
        }
        if (batch.size() >= cfg.maxBatch()) {
            flush();
        } else if (flushTimer == null) {
            scheduleFlush();
        }
    }

    /** The waiting windows reached the bound: wait for a model that is loading, or fail (nothing is lost). */
    private void awaitFirstModel() {
        while (loading != null && !model.isLoaded()) {
            loading.join();
            swapIfLoaded(); // a rejection starts the update that queued up meanwhile, if any
        }
        if (!model.isLoaded()) {
            throw new IllegalStateException(batch.size() + " windows are waiting for a model and none is being loaded"
                    + (loadingUpdate == null ? " (none was published yet)" : " (the last one was rejected, see the log)")
                    + "; the job restarts from its last checkpoint and loses nothing. Fix: publish a model that fits"
                    + " (streamcast publish DIR --store ROOT --name NAME), or raise model.await-limit");
        }
    }

    @Override
    public void processElement2(StreamRecord<ModelUpdate> element) {
        ModelUpdate update = element.getValue();
        if (loading != null) {
            queued = update.equals(loadingUpdate) ? null : update; // the newest wins
            return;
        }
        if (update.equals(serving)) return; // e.g. the watcher's first poll after a restore
        startLoad(update);
    }

    private void startLoad(ModelUpdate update) {
        LOG.info("loading {} from {} in the background", update.label(), update.uri);
        loadingUpdate = update;
        loading = CompletableFuture.supplyAsync(() -> {
            try {
                return new Loaded(update, validator.load(update), null);
            } catch (BundleValidator.Rejected e) {
                return new Loaded(update, null, e.getMessage());
            } catch (Throwable t) {
                return new Loaded(update, null, t.toString());
            }
        }, loader);
        scheduleReloadCheck();
    }

    private void scheduleReloadCheck() {
        if (reloadTimer != null) return;
        var time = getProcessingTimeService();
        reloadTimer = time.registerTimer(time.getCurrentProcessingTime() + RELOAD_CHECK_MILLIS, t -> {
            reloadTimer = null;
            if (batch.isEmpty() || !model.isLoaded()) swapIfLoaded();
            if (loading != null) scheduleReloadCheck();
        });
    }

    /**
     * On the task thread, with no batch open (or no model yet): puts a finished load into service, or
     * rejects it, then starts the update that queued up meanwhile.
     */
    private void swapIfLoaded() {
        if (loading == null || !loading.isDone()) return;
        Loaded done = loading.join();
        loading = null;
        if (done.model() != null) {
            String before = serving == null ? "nothing" : serving.label();
            model.swap(done.model(), done.update().name, done.update().version);
            serving = done.update();
            reloadsAccepted.inc();
            LOG.info("now serving {} (was {})", serving.label(), before);
        } else {
            reloadsRejected.inc();
            LOG.warn("model {} rejected: {}; still serving {}", done.update().label(), done.rejection(),
                    serving == null ? "nothing (windows keep waiting)" : serving.label());
        }
        if (queued != null) {
            ModelUpdate next = queued;
            queued = null;
            if (!next.equals(serving)) startLoad(next);
        }
        if (model.isLoaded() && !batch.isEmpty()) flush(); // the first model: score what waited for it
    }

    private void scheduleFlush() {
        var time = getProcessingTimeService();
        flushTimer = time.registerTimer(time.getCurrentProcessingTime() + cfg.flushTimeoutMillis(), t -> {
            flushTimer = null;
            flush();
        });
    }

    @Override
    public void processWatermark1(Watermark mark) {
        batch.watermark(mark, output); // input 1 alone drives event time; held while windows wait (batch or model)
    }

    /** The watcher's watermarks mean nothing for event time. */
    @Override
    public void processWatermark2(Watermark mark) {
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) batch.watermarkStatus(status, output); // the watcher is idle nearly always: ignore it
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        pointerState.clear();
        if (serving != null) pointerState.put(SERVING, serving);
        batch.snapshot();
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) flush();
    }

    @Override
    public void finish() throws Exception {
        if (loading != null && !model.isLoaded() && !batch.isEmpty()) {
            loading.join(); // windows wait for this first model, and both inputs ended: waiting stalls nothing
            swapIfLoaded();
        }
        flush();
        if (!batch.isEmpty()) {
            throw new IllegalStateException("the input ended with " + batch.size()
                    + " windows that never got a model to score them; fix: publish a model before the input ends");
        }
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (flushTimer != null) flushTimer.cancel(false);
            if (reloadTimer != null) reloadTimer.cancel(false);
            if (loader != null) loader.shutdownNow();
            if (loading != null && loading.isDone() && loading.join().model() != null) loading.join().model().close();
            if (model != null) model.close();
        } finally {
            super.close();
        }
    }

    /** Scores the open batch (in chunks of maxBatch, when windows waited for the first model). */
    private void flush() {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (batch.isEmpty() || !model.isLoaded()) return;
        batch.scoreAll(model, cfg.maxBatch(), output); // then the watermark held behind the batch, if any
        swapIfLoaded(); // between batches
    }

    // ------------------------------------------------------------------ for tests

    /** The pointer being served, or null. */
    ModelUpdate serving() {
        return serving;
    }

    /** Windows buffered (the open batch, or those waiting for a model). */
    int buffered() {
        return batch.size();
    }

    long reloadsAccepted() {
        return reloadsAccepted.getCount();
    }

    long reloadsRejected() {
        return reloadsRejected.getCount();
    }

    /** The entries of the broadcast state as the last snapshot (or restore) left them. */
    java.util.Map<String, ModelUpdate> pointerStateEntries() throws Exception {
        java.util.Map<String, ModelUpdate> m = new java.util.HashMap<>();
        for (var e : pointerState.entries()) m.put(e.getKey(), e.getValue());
        return m;
    }

    /** Completes when the background load in flight (if any) is done. */
    CompletableFuture<?> loadInFlight() {
        return loading == null ? CompletableFuture.completedFuture(null) : loading;
    }
}
