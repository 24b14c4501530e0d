package io.streamcast.job.inference;

import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * Scores windows of all sensors in micro-batches: a batch is scored as soon as it holds
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
 *   <li>Watermarks never overtake buffered windows: a watermark flushes the batch first.</li>
 *   <li>End of input flushes ({@link #endInput}, {@link #finish}).</li>
 * </ul>
 * The buffer holds {@link Window}s (float[]), never INDArray.
 */
public class BatchedInferenceOperator extends AbstractStreamOperator<WindowForecast>
        implements OneInputStreamOperator<Window, WindowForecast>, BoundedOneInput, ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;
    /** Marks a buffered window whose record had no timestamp. */
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final InferenceConfig cfg;
    private final ModelHolder model;

    private transient List<StreamRecord<Window>> batch;
    private transient ScheduledFuture<?> flushTimer;
    /** Windows a snapshot found buffered (timestamp, window); normally always empty. */
    private transient ListState<Tuple2<Long, Window>> unscored;

    private transient Counter windowsScored;
    private transient Histogram batchSizes;
    private transient Histogram inferenceMicros;

    public BatchedInferenceOperator(InferenceConfig cfg) {
        this(cfg, new ModelHolder(cfg.bundlePath()));
    }

    public BatchedInferenceOperator(InferenceConfig cfg, ModelHolder model) {
        this.cfg = cfg;
        this.model = model;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        batch = new ArrayList<>(cfg.maxBatch());
        unscored = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("unscored-windows",
                TypeInformation.of(new TypeHint<Tuple2<Long, Window>>() {})));
        for (Tuple2<Long, Window> w : unscored.get()) {
            batch.add(w.f0 == NO_TIMESTAMP ? new StreamRecord<>(w.f1) : new StreamRecord<>(w.f1, w.f0));
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        model.open();
        var metrics = getMetricGroup();
        windowsScored = metrics.counter("windowsScored");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMicros = metrics.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
        if (!batch.isEmpty()) {
            scheduleFlush(); // restored windows, scored before anything new
        }
    }

    @Override
    public void processElement(StreamRecord<Window> element) throws Exception {
        batch.add(element.copy(element.getValue()));
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
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple2<Long, Window>> pending = new ArrayList<>(batch.size());
        for (StreamRecord<Window> r : batch) {
            pending.add(Tuple2.of(r.hasTimestamp() ? r.getTimestamp() : NO_TIMESTAMP, r.getValue()));
        }
        unscored.update(pending);
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
        if (batch.isEmpty()) {
            return;
        }
        List<Window> windows = new ArrayList<>(batch.size());
        for (StreamRecord<Window> r : batch) {
            windows.add(r.getValue());
        }
        long start = System.nanoTime();
        WindowForecast[] forecasts = model.forecast(windows, System.currentTimeMillis());
        inferenceMicros.update((System.nanoTime() - start) / 1_000);
        batchSizes.update(forecasts.length);
        for (int i = 0; i < forecasts.length; i++) {
            // keep the window's record timestamp, as a map would
            output.collect(batch.get(i).replace(forecasts[i]));
        }
        windowsScored.inc(forecasts.length);
        batch.clear();
    }

    /** Sizes of the batches scored so far (also the Flink metric "batchSize"). */
    Histogram batchSizes() {
        return batchSizes;
    }

    int buffered() {
        return batch.size();
    }
}
