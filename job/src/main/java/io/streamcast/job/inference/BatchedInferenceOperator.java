package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;

import java.util.concurrent.ScheduledFuture;

/**
 * Scores the windows of all sensors' steps in micro-batches (steps pass through at once, see
 * {@link Inference}): a batch is scored as soon as it holds
 * {@code maxBatch} windows, or {@code flushTimeoutMillis} (processing time) after its first window,
 * with one {@code ForecastModel.predict} call on the task thread.
 *
 * <p>Guarantees, and how:
 * <ul>
 *   <li>Nothing lost or duplicated at a checkpoint: the batch is flushed in
 *       {@link #prepareSnapshotPreBarrier}, so every window that arrived before the barrier leaves
 *       before it. Should a snapshot still find windows buffered (no pre-barrier hook on that path),
 *       they go into operator state, as async I/O does, and are scored after a restore.</li>
 *   <li>Backpressure: predict runs synchronously on the task thread, so a slow model stops input.</li>
 *   <li>Order: forecasts leave in arrival order; the assembler emits each sensor's windows in
 *       issuedAt order, so each sensor's forecasts stay in issuedAt order.</li>
 *   <li>Watermarks never overtake buffered windows: a watermark that arrives while windows are
 *       buffered is held and leaves right after their forecasts (so is a watermark status). Event
 *       time moving on does not cut a batch: only its size, its timeout or a barrier do.</li>
 *   <li>End of input flushes ({@link #endInput}, {@link #finish}).</li>
 * </ul>
 * The buffer holds {@link io.streamcast.job.records.Window}s (float[]), never INDArray.
 */
public class BatchedInferenceOperator extends AbstractStreamOperator<Either<AcceptedStep, WindowForecast>>
        implements OneInputStreamOperator<AcceptedStep, Either<AcceptedStep, WindowForecast>>, BoundedOneInput,
        ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private final InferenceConfig cfg;
    private final ModelHolder model;

    private transient WindowBatch batch;
    private transient ScheduledFuture<?> flushTimer;

    public BatchedInferenceOperator(InferenceConfig cfg) {
        this(cfg, cfg.holder(cfg.bundlePath()));
    }

    public BatchedInferenceOperator(InferenceConfig cfg, ModelHolder model) {
        this.cfg = cfg;
        this.model = model;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        batch = new WindowBatch(context.getOperatorStateStore());
    }

    @Override
    public void open() throws Exception {
        super.open();
        model.open();
        batch.registerMetrics(getMetricGroup());
        if (!batch.isEmpty()) {
            scheduleFlush(); // restored windows, scored before anything new
        }
    }

    @Override
    public void processElement(StreamRecord<AcceptedStep> element) throws Exception {
        if (!batch.add(element, output)) return;
        if (batch.size() >= cfg.maxBatch()) {
            flush();
        } else if (flushTimer == null) {
            scheduleFlush();
        }
    }

    private void scheduleFlush() {
        var time = getProcessingTimeService();
        flushTimer = time.registerTimer(time.getCurrentProcessingTime() + cfg.flushTimeoutMillis(), this);
    }

    /** The flush timeout of the current batch expired. */
    @Override
    public void onProcessingTime(long time) {
        flushTimer = null;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) {
        batch.watermark(mark, output); // no keyed timers here: nothing else to advance
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        batch.watermarkStatus(status, output);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        batch.snapshot();
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            if (flushTimer != null) {
                flushTimer.cancel(false);
                flushTimer = null;
            }
            model.close();
        } finally {
            super.close();
        }
    }

    /** Scores the buffered windows with one predict call and emits them in arrival order. */
    private void flush() {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        batch.scoreAll(model, cfg.maxBatch(), output);
    }

    /** Sizes of the batches scored so far (also the Flink metric "batchSize"). */
    Histogram batchSizes() {
        return batch.batchSizes();
    }

    int buffered() {
        return batch.size();
    }
}
