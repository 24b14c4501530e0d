package io.streamcast.job.assembly;

import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns one sensor's readings into model windows (keyed by sensorId).
 *
 * <p>Readings wait in {@code pending} state until the watermark passes them, so out-of-order
 * readings within the watermark bound become steps in event-time order; an event-time timer per
 * timestamp (count mode) or per bucket (fixed-step mode) releases them. Readings at or behind the
 * watermark go to {@link #LATE}. Released steps enter a ring buffer of the last T steps
 * ({@link StepBuffer}); a {@link Window} leaves at steps T, T+stride, T+2*stride, ... counted
 * since the buffer (re)started.
 *
 * <p>Duplicate timestamps: the later-arriving reading replaces the earlier one (last wins).
 *
 * <p>Fixed-step mode: bucket {@code b} covers event times {@code [b, b+stepMillis)}; it closes when
 * the watermark reaches {@code b+stepMillis-1}; its step is the LAST (latest timestamp) or MEAN of its
 * readings; the step's time, and a window's endTime, is the bucket start. Up to maxGapSteps missing
 * buckets are filled by repeating the previous step (a filled step emits no window: nobody asked for
 * a forecast there); a longer gap resets the buffer.
 *
 * <p>State TTL, in event time: one cleanup timer per sensor; once the watermark is stateTtl past a
 * sensor's latest reading, the sensor loses all its state. Event time, not the wall clock: after a
 * restore from an old checkpoint the replayed readings arrive before event time moves on, so a long
 * outage does not expire sensors whose readings are still coming. Readings still waiting for the
 * watermark postpone the cleanup (never dropped).
 */
public class SequenceAssembler extends KeyedProcessFunction<String, Reading, Window> {
    private static final long serialVersionUID = 1L;

    /** Readings at or behind the watermark when they arrive. */
    public static final OutputTag<Reading> LATE =
            new OutputTag<>("late-readings", TypeInformation.of(Reading.class));

    private final AssemblerConfig cfg;

    private transient ValueState<StepBuffer> buffer;
    /** Readings not yet released, by event time (count mode) -> values. */
    private transient MapState<Long, float[]> pending;
    /** Event time of the sensor's latest reading. */
    private transient ValueState<Long> lastSeen;
    /** Event time of the registered cleanup timer, if any (one per sensor). */
    private transient ValueState<Long> cleanupAt;

    private transient Counter windowsEmitted;
    private transient Counter lateReadings;
    private transient Counter filledSteps;
    private transient Counter gapResets;
    private transient Counter expiredSensors;

    public SequenceAssembler(AssemblerConfig cfg) {
        this.cfg = cfg;
    }

    public AssemblerConfig config() {
        return cfg;
    }

    @Override
    public void open(OpenContext openContext) {
        buffer = getRuntimeContext().getState(new ValueStateDescriptor<>("steps", StepBuffer.class));
        pending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        lastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        cleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        windowsEmitted = metrics.counter("windowsEmitted");
        lateReadings = metrics.counter("lateReadings");
        filledSteps = metrics.counter("filledSteps");
        gapResets = metrics.counter("gapResets");
        expiredSensors = metrics.counter("expiredSensors");
    }

    @Override
    public void processElement(Reading reading, Context ctx, Collector<Window> out) throws Exception {
        if (reading.timestamp <= ctx.timerService().currentWatermark()) {
            lateReadings.inc();
            ctx.output(LATE, reading);
            return;
        }
        if (reading.values == null || reading.values.length != cfg.channels()) {
            // upstream validation sends these to the dead-letter topic; reaching here is a wiring bug
            throw new IllegalStateException("reading of " + reading.sensorId + " has "
                    + (reading.values == null ? "no" : reading.values.length) + " values, the assembler expects "
                    + cfg.channels() + ": validate readings before the assembler");
        }
        pending.put(reading.timestamp, reading.values);
        ctx.timerService().registerEventTimeTimer(releaseTime(reading.timestamp));
        touch(reading.timestamp, ctx);
    }

    /** The event time at which a reading's step can be built (its own time, or its bucket's end). */
    private long releaseTime(long timestamp) {
        return cfg.mode() == AssemblerConfig.Mode.COUNT ? timestamp : bucketStart(timestamp) + cfg.stepMillis() - 1;
    }

    private long bucketStart(long timestamp) {
        return Math.floorDiv(timestamp, cfg.stepMillis()) * cfg.stepMillis();
    }

    private void touch(long timestamp, Context ctx) throws Exception {
        Long seen = lastSeen.value();
        if (seen == null || timestamp > seen) {
            lastSeen.update(timestamp);
        }
        if (cleanupAt.value() == null) {
            // one timer per sensor, moved lazily when it fires: no delete/register per reading
            long at = timestamp + cfg.stateTtl().toMillis();
            ctx.timerService().registerEventTimeTimer(at);
            cleanupAt.update(at);
        }
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<Window> out) throws Exception {
        release(time, ctx.getCurrentKey(), out);
        Long cleanup = cleanupAt.value();
        if (cleanup != null && cleanup == time) {
            expireIfIdle(time, ctx);
        }
    }

    /** Turns every pending reading at or before {@code time} into steps, oldest first. */
    private void release(long time, String sensorId, Collector<Window> out) throws Exception {
        List<Map.Entry<Long, float[]>> due = new ArrayList<>();
        for (Map.Entry<Long, float[]> e : pending.entries()) {
            if (e.getKey() <= time) {
                due.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        if (due.isEmpty()) {
            return;
        }
        due.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, float[]> e : due) {
            pending.remove(e.getKey());
        }
        StepBuffer steps = buffer.value();
        if (steps == null) {
            steps = new StepBuffer(cfg.window(), cfg.channels());
        }
        if (cfg.mode() == AssemblerConfig.Mode.COUNT) {
            for (Map.Entry<Long, float[]> e : due) {
                steps.push(e.getValue(), e.getKey());
                emitIfDue(steps, sensorId, out);
            }
        } else {
            int from = 0;
            while (from < due.size()) {
                long bucket = bucketStart(due.get(from).getKey());
                int to = from;
                while (to < due.size() && bucketStart(due.get(to).getKey()) == bucket) {
                    to++;
                }
                advanceTo(steps, bucket, resample(due.subList(from, to)), sensorId, out);
                from = to;
            }
        }
        buffer.update(steps);
    }

    /** One bucket's readings (sorted by time, non-empty) -> one step. */
    private float[] resample(List<Map.Entry<Long, float[]>> bucket) {
        if (cfg.resample() == AssemblerConfig.Resample.LAST) {
            return bucket.get(bucket.size() - 1).getValue();
        }
        int c = cfg.channels();
        double[] sum = new double[c];
        for (Map.Entry<Long, float[]> e : bucket) {
            float[] v = e.getValue();
            for (int i = 0; i < c; i++) {
                sum[i] += v[i];
            }
        }
        float[] mean = new float[c];
        for (int i = 0; i < c; i++) {
            mean[i] = (float) (sum[i] / bucket.size());
        }
        return mean;
    }

    /** Fixed-step mode: fills or resets across a gap, then appends the bucket's step. */
    private void advanceTo(StepBuffer steps, long bucket, float[] step, String sensorId, Collector<Window> out) {
        if (steps.lastTime != Long.MIN_VALUE) {
            long missing = (bucket - steps.lastTime) / cfg.stepMillis() - 1;
            if (missing > cfg.maxGapSteps()) {
                gapResets.inc();
                steps.reset();
            } else {
                for (long i = 0; i < missing; i++) {
                    steps.push(steps.last(cfg.channels()), steps.lastTime + cfg.stepMillis());
                    filledSteps.inc();
                }
            }
        }
        steps.push(step, bucket);
        emitIfDue(steps, sensorId, out);
    }

    private void emitIfDue(StepBuffer steps, String sensorId, Collector<Window> out) {
        if (steps.isFull(cfg.channels()) && (steps.steps - cfg.window()) % cfg.stride() == 0) {
            long stepMillis = cfg.mode() == AssemblerConfig.Mode.FIXED_STEP ? cfg.stepMillis() : 0L;
            out.collect(new Window(sensorId, steps.lastTime, stepMillis, steps.timeOrdered(cfg.channels())));
            windowsEmitted.inc();
        }
    }

    private void expireIfIdle(long now, OnTimerContext ctx) throws Exception {
        Long seen = lastSeen.value();
        long ttl = cfg.stateTtl().toMillis();
        long next;
        if (seen != null && seen + ttl > now) {
            next = seen + ttl;
        } else if (!pending.isEmpty()) {
            // readings still wait for the watermark: dropping them would lose data
            next = now + ttl;
        } else {
            buffer.clear();
            pending.clear();
            lastSeen.clear();
            cleanupAt.clear();
            expiredSensors.inc();
            return;
        }
        ctx.timerService().registerEventTimeTimer(next);
        cleanupAt.update(next);
    }
}
