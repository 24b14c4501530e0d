package io.streamcast.job.assembly;

import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import java.util.Map;
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

/**
 * Turns one sensor's readings into steps and model windows (keyed by sensorId): one
 * {@link AcceptedStep} out per step, carrying the window it completed, if any.
 *
 * <p>When a reading becomes a step ({@link AssemblerConfig.Ordering}, rules in {@link StepRules}):
 * <ul>
 *   <li><b>in-order</b> (default): each sensor's readings are used as they arrive. Count mode: a
 *       reading newer than the sensor's last accepted one is a step at once, and the window it
 *       completes leaves in the same call; an older or equal one goes to {@link #LATE}. Fixed-step
 *       mode: readings of the sensor's open bucket accumulate (in any order); the bucket closes when
 *       the sensor's first reading of a later bucket arrives or the watermark passes the bucket's end;
 *       a reading of a closed bucket is late.</li>
 *   <li><b>event-time</b>: readings wait until the watermark passes them, so out-of-order readings
 *       within the watermark bound become steps in event-time order; readings at or behind the
 *       watermark are late. Duplicate timestamps: the later-arriving reading replaces the earlier.</li>
 * </ul>
 * Waiting steps sit in a sorted buffer ({@link PendingSteps}) with one release timer per sensor, at
 * the release time of the oldest: a reading costs O(1) amortised, a release O(steps released).
 *
 * <p>Released steps enter a ring of the last T steps ({@link StepBuffer}); a {@link Window} leaves at
 * steps T, T+stride, T+2*stride, ... counted since the ring (re)started, with its step. Every released
 * step leaves, window or not: the steps are the actuals of the online evaluation, which sits in the
 * same operator chain (no shuffle between the assembler, inference and the evaluator).
 *
 * <p>Fixed-step mode: bucket {@code b} covers {@code [b, b+stepMillis)}; its step is the LAST (latest
 * timestamp) or MEAN of its readings; the step's time, and a window's endTime, is the bucket start.
 * Up to maxGapSteps missing buckets are filled by repeating the previous step (a filled step emits no
 * window: nobody asked for a forecast there); a longer gap resets the ring.
 *
 * <p>Idle-sensor TTL, in event time: one cleanup timer per sensor; once the watermark is stateTtl past
 * the sensor's last activity (its newest reading's time, or the watermark when a reading last
 * arrived, whichever is later), the sensor loses all its state. Event time, not the wall clock: after
 * a restore from an old checkpoint the replayed readings arrive before event time moves on. Steps
 * still waiting postpone the cleanup (never dropped).
 */
public class SequenceAssembler extends KeyedProcessFunction<String, Reading, AcceptedStep> {
    private static final long serialVersionUID = 1L;

    /** Readings that arrived after their step was final (see the class comment). */
    public static final OutputTag<Reading> LATE =
            new OutputTag<>("late-readings", TypeInformation.of(Reading.class));

    private final AssemblerConfig cfg;

    private transient StepRules rules;
    private transient ValueState<StepBuffer> state;
    /** The layout of older versions, read once per sensor after a restore from their savepoints. */
    private transient MapState<Long, float[]> legacyPending;
    private transient ValueState<Long> legacyLastSeen;
    private transient ValueState<Long> legacyCleanupAt;

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
        rules = cfg.rules();
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("steps", StepBuffer.class));
        legacyPending = getRuntimeContext().getMapState(new MapStateDescriptor<>("pending", Types.LONG,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        legacyLastSeen = getRuntimeContext().getState(new ValueStateDescriptor<>("last-seen", Types.LONG));
        legacyCleanupAt = getRuntimeContext().getState(new ValueStateDescriptor<>("cleanup-at", Types.LONG));
        var metrics = getRuntimeContext().getMetricGroup();
        windowsEmitted = metrics.counter("windowsEmitted");
        lateReadings = metrics.counter("lateReadings");
        filledSteps = metrics.counter("filledSteps");
        gapResets = metrics.counter("gapResets");
        expiredSensors = metrics.counter("expiredSensors");
    }

    @Override
    public void processElement(Reading reading, Context ctx, Collector<AcceptedStep> out) throws Exception {
        long watermark = ctx.timerService().currentWatermark();
        StepBuffer sb = state.value();
        if (sb == null || !sb.current) sb = upgrade(sb);
        long ts = reading.timestamp;
        if (StepRules.isLate(ts, rules.finalUpTo(sb.acceptedUpTo, watermark))) {
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
        String sensor = ctx.getCurrentKey();
        if (rules.inOrder()) sb.acceptedUpTo = Math.max(sb.acceptedUpTo, rules.progressAfter(ts));
        if (rules.inOrder() && !rules.fixedStep() && sb.pending.isEmpty()) {
            append(sb, ts, reading.values, sensor, ctx, out); // the common case: no buffering at all
        } else {
            sb.pending.add(rules.stepTime(ts), ts, reading.values, rules);
            release(sb, rules.finalUpTo(sb.acceptedUpTo, watermark), sensor, ctx, out);
            armRelease(sb, ctx);
        }
        sb.activeAt = Math.max(sb.activeAt, Math.max(ts, watermark));
        if (sb.cleanupAt == Long.MIN_VALUE) {
            // one timer per sensor, moved lazily when it fires: no delete/register per reading
            sb.cleanupAt = sb.activeAt + cfg.stateTtl().toMillis();
            ctx.timerService().registerEventTimeTimer(sb.cleanupAt);
        }
        state.update(sb);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<AcceptedStep> out) throws Exception {
        StepBuffer sb = state.value();
        if (sb == null || !sb.current) {
            sb = upgrade(sb);
            if (sb.steps == 0 && sb.pending.isEmpty() && sb.cleanupAt == Long.MIN_VALUE) {
                return; // a timer of a sensor that has expired since
            }
        }
        long watermark = ctx.timerService().currentWatermark();
        if (sb.releaseAt <= watermark) sb.releaseAt = Long.MAX_VALUE; // this is it firing
        release(sb, rules.finalUpTo(sb.acceptedUpTo, watermark), ctx.getCurrentKey(), ctx, out);
        armRelease(sb, ctx);
        if (sb.cleanupAt != Long.MIN_VALUE && sb.cleanupAt <= watermark && expireIfIdle(sb, watermark, ctx)) {
            return;
        }
        state.update(sb);
    }

    /** Turns every pending step final at {@code finalUpTo} into a step of the ring, oldest first. */
    private void release(StepBuffer sb, long finalUpTo, String sensor, Context ctx, Collector<AcceptedStep> out) {
        PendingSteps pending = sb.pending;
        while (!pending.isEmpty() && rules.releaseTime(pending.firstTime()) <= finalUpTo) {
            long time = pending.firstTime();
            append(sb, time, pending.removeFirst(rules), sensor, ctx, out);
        }
    }

    /** One release timer per sensor, at the oldest pending step's release time (in-order count mode never waits). */
    private void armRelease(StepBuffer sb, Context ctx) {
        if (sb.pending.isEmpty() || (rules.inOrder() && !rules.fixedStep())) return;
        long at = rules.releaseTime(sb.pending.firstTime());
        if (at < sb.releaseAt) {
            ctx.timerService().registerEventTimeTimer(at);
            sb.releaseAt = at;
        }
    }

    /** Appends a final step: fills or resets across a fixed-step gap, emits the step with its window if one is due. */
    private void append(StepBuffer sb, long time, float[] step, String sensor, Context ctx, Collector<AcceptedStep> out) {
        if (rules.fixedStep() && sb.lastTime != Long.MIN_VALUE) {
            long missing = rules.missingSteps(sb.lastTime, time);
            if (missing > cfg.maxGapSteps()) {
                gapResets.inc();
                sb.reset();
            } else {
                for (long i = 0; i < missing; i++) {
                    sb.push(sb.last(cfg.channels()), sb.lastTime + rules.stepMillis());
                    filledSteps.inc();
                }
            }
        }
        sb.push(step, time);
        Window window = null;
        if (sb.isFull(cfg.channels()) && (sb.steps - cfg.window()) % cfg.stride() == 0) {
            window = new Window(sensor, sb.lastTime, rules.stepMillis(), sb.timeOrdered(cfg.channels()));
            windowsEmitted.inc();
        }
        out.collect(new AcceptedStep(sensor, time, step, window));
    }

    /** Returns true when the sensor's state is gone. */
    private boolean expireIfIdle(StepBuffer sb, long watermark, Context ctx) {
        long ttl = cfg.stateTtl().toMillis();
        long next;
        if (sb.activeAt + ttl > watermark) {
            next = sb.activeAt + ttl;
        } else if (!sb.pending.isEmpty()) {
            next = watermark + ttl; // steps still wait: dropping them would lose data
        } else {
            state.clear();
            expiredSensors.inc();
            return true;
        }
        ctx.timerService().registerEventTimeTimer(next);
        sb.cleanupAt = next;
        return false;
    }

    /**
     * A new sensor's buffer, or the state of a sensor restored from a savepoint of the older layout
     * (pending readings, last-seen and cleanup time in states of their own) moved into one buffer.
     */
    private StepBuffer upgrade(StepBuffer restored) throws Exception {
        StepBuffer sb = restored;
        if (sb == null) {
            sb = new StepBuffer(cfg.window(), cfg.channels());
        } else {
            sb.pending = new PendingSteps(cfg.channels());
            sb.current = true;
            if (sb.lastTime != Long.MIN_VALUE) sb.acceptedUpTo = rules.releaseTime(sb.lastTime);
        }
        Long seen = legacyLastSeen.value();
        if (seen == null) {
            if (restored != null) state.update(sb);
            return sb; // a new sensor: stored with its first accepted reading
        }
        sb.activeAt = seen;
        Long cleanup = legacyCleanupAt.value();
        sb.cleanupAt = cleanup == null ? Long.MIN_VALUE : cleanup; // that timer is still registered
        for (Map.Entry<Long, float[]> e : legacyPending.entries()) {
            sb.pending.add(rules.stepTime(e.getKey()), e.getKey(), e.getValue(), rules);
            sb.acceptedUpTo = Math.max(sb.acceptedUpTo, rules.inOrder() ? rules.progressAfter(e.getKey()) : Long.MIN_VALUE);
        }
        legacyPending.clear();
        legacyLastSeen.clear();
        legacyCleanupAt.clear();
        state.update(sb);
        return sb;
    }
}
