package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.types.Either;

/**
 * The windows an inference operator holds but has not scored, in arrival order, and how they are
 * scored: one predict call per {@code maxBatch} windows, forecasts emitted in arrival order with each
 * window's record timestamp. A snapshot keeps whatever is still buffered in operator state
 * ("unscored-windows"), as async I/O does; a restore puts it back first. Shared by the fixed-bundle
 * and the hot-reload operator, so both score, count and checkpoint the same way.
 *
 * <p>Watermarks and watermark statuses that arrive while windows are buffered are held and leave
 * right after those windows' forecasts: a watermark never overtakes a buffered window, and a batch is
 * cut only by its size, its flush timeout or a checkpoint barrier, never by event time moving on.
 */
final class WindowBatch {
    /** Marks a buffered window whose record had no timestamp. */
    private static final long NO_TIMESTAMP = Long.MIN_VALUE;

    private final List<StreamRecord<Window>> records = new ArrayList<>();
    private final ListState<Tuple2<Long, Window>> unscored;

    /** The newest watermark that arrived while windows were buffered, or null. */
    private Watermark heldWatermark;
    /** The newest watermark status that arrived while windows were buffered, or null. */
    private WatermarkStatus heldStatus;

    private Counter windowsScored;
    private Histogram batchSizes;
    private Histogram inferenceMicros;

    /** Registers the "unscored-windows" operator state and restores what a snapshot left in it. */
    WindowBatch(OperatorStateStore stateStore) throws Exception {
        unscored = stateStore.getListState(new ListStateDescriptor<>("unscored-windows",
                TypeInformation.of(new TypeHint<Tuple2<Long, Window>>() {})));
        for (Tuple2<Long, Window> w : unscored.get()) {
            records.add(w.f0 == NO_TIMESTAMP ? new StreamRecord<>(w.f1) : new StreamRecord<>(w.f1, w.f0));
        }
    }

    /** windowsScored, batchSize and inferenceLatencyMicros in the operator's metric group. */
    void registerMetrics(MetricGroup metrics) {
        windowsScored = metrics.counter("windowsScored");
        batchSizes = metrics.histogram("batchSize", new DescriptiveStatisticsHistogram(1000));
        inferenceMicros = metrics.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
    }

    /**
     * Passes the step on at once and buffers its window, if it has one, with the step's timestamp.
     * The step's record is the upstream's, reused: it is not kept.
     *
     * @return whether a window was buffered
     */
    boolean add(StreamRecord<AcceptedStep> element, Output<StreamRecord<Either<AcceptedStep, WindowForecast>>> output) {
        AcceptedStep step = element.getValue();
        boolean window = step.window != null;
        if (window) {
            records.add(element.hasTimestamp() ? new StreamRecord<>(step.window, element.getTimestamp()) : new StreamRecord<>(step.window));
        }
        output.collect(element.replace(Either.Left(step)));
        return window;
    }

    int size() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** Forwards the watermark now when nothing is buffered; otherwise it leaves after the buffered windows. */
    void watermark(Watermark mark, Output<?> output) {
        if (records.isEmpty()) {
            output.emitWatermark(mark);
        } else {
            heldWatermark = mark; // watermarks only rise: the newest one covers the ones before it
        }
    }

    /** As {@link #watermark}: a status (idle/active) must not pass a watermark held back before it. */
    void watermarkStatus(WatermarkStatus status, Output<?> output) {
        if (records.isEmpty()) {
            output.emitWatermarkStatus(status);
        } else {
            heldStatus = status;
        }
    }

    /** Scores everything buffered, {@code maxBatch} windows per predict call, and empties the buffer. */
    void scoreAll(ModelHolder model, int maxBatch, Output<StreamRecord<Either<AcceptedStep, WindowForecast>>> output) {
        for (int from = 0; from < records.size(); from += maxBatch) {
            List<StreamRecord<Window>> chunk = records.subList(from, Math.min(records.size(), from + maxBatch));
            List<Window> windows = new ArrayList<>(chunk.size());
            for (StreamRecord<Window> r : chunk) {
                windows.add(r.getValue());
            }
            long start = System.nanoTime();
            WindowForecast[] forecasts = model.forecast(windows, System.currentTimeMillis());
            inferenceMicros.update((System.nanoTime() - start) / 1_000);
            batchSizes.update(forecasts.length);
            for (int i = 0; i < forecasts.length; i++) {
                output.collect(chunk.get(i).replace(Either.Right(forecasts[i]))); // keeps the window's timestamp, as a map would
            }
            windowsScored.inc(forecasts.length);
        }
        records.clear();
        if (heldWatermark != null) {
            output.emitWatermark(heldWatermark);
            heldWatermark = null;
        }
        if (heldStatus != null) {
            output.emitWatermarkStatus(heldStatus);
            heldStatus = null;
        }
    }

    /** Writes what is still buffered (normally nothing: operators flush before the barrier). */
    void snapshot() throws Exception {
        List<Tuple2<Long, Window>> pending = new ArrayList<>(records.size());
        for (StreamRecord<Window> r : records) {
            pending.add(Tuple2.of(r.hasTimestamp() ? r.getTimestamp() : NO_TIMESTAMP, r.getValue()));
        }
        unscored.update(pending);
    }

    /** Sizes of the batches scored so far (also the metric "batchSize"). */
    Histogram batchSizes() {
        return batchSizes;
    }
}
