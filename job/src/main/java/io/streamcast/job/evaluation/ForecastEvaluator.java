package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.StepRules;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Scores each sensor's forecasts against the steps that follow them (keyed by sensorId; its input is
 * inference's output: the assembler's {@link AcceptedStep}s, left, and the forecasts, right). It sits in
 * the chain of the assembler and inference: the input is partitioned by sensor already.
 *
 * <p><b>Actuals are the assembler's steps</b>, as it built them: the assembler alone decides what a
 * step is (resampling, buckets) and what is late, and a step it sends is final. Count mode: step h of
 * a forecast issued at t is the (h+1)-th step after t. Fixed-step mode: step h is the bucket
 * {@code t + (h+1)*step}; a missing bucket (a gap, also a forward-filled one) makes the forecast
 * incomplete: a fill is not a measurement. Repeat's forecast is the step at t (the input window's
 * last step), scored on the same H steps. A forecast is scored as soon as its H steps are here: on
 * the step completing it, or on its own arrival; no watermark is needed for that.
 *
 * <p><b>Bounded state, O(1) amortised per step and forecast.</b> A step that carries a window
 * announces a forecast; announced and arrived forecasts wait in issuedAt order
 * (forecasts of one sensor arrive in order), and only steps from the oldest waiting forecast's on are
 * kept. A forecast leaves when it is scored, incomplete, or expired: its deadline is
 * {@code issuedAt + H*stepMillis (+ step-1 in fixed-step mode) + allowedLateness} in event time (count
 * mode uses the forecast's nominal stepMillis); an announced forecast that has not arrived by
 * {@code issuedAt + allowedLateness}, or whose successor arrived first, is given up. So a steady
 * sensor holds about H steps and forecasts plus those in flight through inference; a silent one
 * empties at its last deadline. One expiry timer per sensor.
 */
public class ForecastEvaluator extends KeyedProcessFunction<String, Either<AcceptedStep, WindowForecast>, EvaluatedForecast> {
    private static final long serialVersionUID = 1L;

    private final EvaluationConfig cfg;

    private transient StepRules rules;
    private transient double[] inverseStd;
    private transient ValueState<EvaluationQueue> queue;
    /**
     * Where an older layout kept the arrived forecasts (issuedAt -> forecast); now they wait in the
     * queue. Read only for an arrived entry the queue has no forecast for, i.e. one restored from it.
     */
    private transient MapState<Long, WindowForecast> legacyWaiting;
    /** The state of older versions (readings kept for the allowed lateness), cleared as their timers fire. */
    private transient MapState<Long, float[]> legacyReadings;
    private transient MapState<Long, WindowForecast> legacyForecasts;
    private transient EvaluationMetrics metrics;

    public ForecastEvaluator(EvaluationConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public void open(OpenContext openContext) {
        rules = cfg.steps().rules();
        inverseStd = WaitingForecasts.inverse(cfg.std());
        queue = getRuntimeContext().getState(new ValueStateDescriptor<>("evaluation-queue", EvaluationQueue.class));
        legacyWaiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("forecasts-awaiting-actuals", Types.LONG,
                TypeInformation.of(WindowForecast.class)));
        legacyReadings = getRuntimeContext().getMapState(new MapStateDescriptor<>("actuals", Types.LONG,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        legacyForecasts = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-forecasts", Types.LONG,
                TypeInformation.of(WindowForecast.class)));
        metrics = new EvaluationMetrics(getRuntimeContext().getMetricGroup(), cfg);
    }

    /** For tests: the metrics of this instance. */
    EvaluationMetrics metrics() {
        return metrics;
    }

    @Override
    public void processElement(Either<AcceptedStep, WindowForecast> e, Context ctx, Collector<EvaluatedForecast> out)
            throws Exception {
        if (e.isLeft()) {
            step(e.left(), ctx, out);
        } else {
            forecast(e.right(), ctx, out);
        }
    }

    private void step(AcceptedStep s, Context ctx, Collector<EvaluatedForecast> out) throws Exception {
        EvaluationQueue q = load();
        if (s.time <= q.lastStepTime) return; // the assembler sends each sensor's steps in order
        q.lastStepTime = s.time;
        if (!s.windowEmitted() && q.entryCount == 0) return; // no forecast can use this step: nothing kept
        q.addStep(s.time, s.values);
        if (s.windowEmitted() && q.entryIndex(s.time) < 0) q.addEntry(s.time, s.time + cfg.allowedLatenessMillis());
        settle(q, ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
        save(q, ctx);
    }

    private void forecast(WindowForecast f, Context ctx, Collector<EvaluatedForecast> out) throws Exception {
        metrics.forecastSeen(f.modelVersion);
        EvaluationQueue q = load();
        int i = q.entryIndex(f.issuedAt);
        if (i < 0) {
            if (f.issuedAt <= q.lastStepTime) {
                metrics.expired.inc(); // its steps are gone: it came after its deadline
                return;
            }
            i = q.addEntry(f.issuedAt, 0); // it overtook its own step on the way here
        }
        q.markArrived(i, deadline(f), f);
        settle(q, ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
        save(q, ctx);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<EvaluatedForecast> out) throws Exception {
        EvaluationQueue q = queue.value();
        if (q != null) q.upgrade();
        if (q == null || time != q.timerAt) {
            // not this sensor's current timer: a timer of the older state layout, or one left behind
            legacyReadings.clear();
            legacyForecasts.clear();
            if (q == null) return;
        }
        if (q.timerAt <= time) q.timerAt = Long.MAX_VALUE;
        settle(q, ctx.getCurrentKey(), ctx.timerService().currentWatermark(), out);
        save(q, ctx);
    }

    /**
     * Scores, drops or keeps the waiting forecasts oldest first, then drops the steps none of them
     * needs. A forecast that still waits for steps holds back the later ones (they need more steps).
     */
    private void settle(EvaluationQueue q, String sensorId, long watermark, Collector<EvaluatedForecast> out) throws Exception {
        while (q.entryCount > 0) {
            long issuedAt = q.frontIssuedAt();
            if (!q.frontArrived()) {
                if (q.frontDeadline() <= watermark || issuedAt < q.lastArrived) {
                    q.removeFront(); // its forecast is not coming
                    continue;
                }
                break;
            }
            byte[] w = q.frontWaiting();
            boolean legacy = w == null;
            if (legacy) {
                WindowForecast f = legacyWaiting.get(issuedAt);
                w = f == null ? null : WaitingForecasts.encode(f);
            }
            Outcome o = w == null ? Outcome.INCOMPLETE : score(w, issuedAt, sensorId, q);
            if (o.evaluation != null) {
                out.collect(o.evaluation);
                metrics.record(o.evaluation);
            } else if (o.incomplete) {
                metrics.incomplete.inc();
            } else if (q.frontDeadline() <= watermark) {
                metrics.expired.inc();
            } else {
                break;
            }
            q.removeFront();
            if (legacy) legacyWaiting.remove(issuedAt);
        }
        q.dropStepsBefore(q.entryCount > 0 ? q.frontIssuedAt() : Long.MAX_VALUE);
    }

    private Outcome score(byte[] w, long issuedAt, String sensorId, EvaluationQueue q) {
        int at = q.stepIndex(issuedAt);
        if (at < 0) return issuedAt > q.lastStepTime ? Outcome.WAIT : Outcome.INCOMPLETE;
        int h = WaitingForecasts.horizon(w);
        int available = Math.min(h, q.stepCount - at - 1);
        // steps are strictly increasing bucket starts: the k-th being where it belongs means no gap before it
        if (rules.fixedStep() && available > 0 && q.stepTime(at + available) != rules.forecastStepTime(issuedAt, available - 1)) {
            return Outcome.INCOMPLETE;
        }
        if (available < h) return Outcome.WAIT;
        return Outcome.scored(WaitingForecasts.score(w, sensorId, q.stepValues, q.stepOffset(at), q.stepOffset(at + 1), q.width,
                inverseStd, q.stepTime(at + h)));
    }

    /** This sensor's queue, in the current layout. */
    private EvaluationQueue load() throws Exception {
        EvaluationQueue q = queue.value();
        if (q == null) return new EvaluationQueue();
        q.upgrade();
        return q;
    }

    /** Stores the queue (or clears it when empty) and keeps one expiry timer, at the oldest entry's deadline. */
    private void save(EvaluationQueue q, Context ctx) throws Exception {
        if (q.isEmpty()) {
            if (q.timerAt != Long.MAX_VALUE) ctx.timerService().deleteEventTimeTimer(q.timerAt);
            queue.clear();
            return;
        }
        // at most one timer, moved lazily: an earlier deadline behind a pending timer waits for it (by < H steps)
        if (q.entryCount > 0 && q.timerAt == Long.MAX_VALUE) {
            q.timerAt = q.frontDeadline();
            ctx.timerService().registerEventTimeTimer(q.timerAt);
        }
        q.shrink();
        queue.update(q);
    }

    /** After this event time a forecast still waiting for actuals expires. */
    long deadline(WindowForecast f) {
        long nominal = rules.fixedStep()
                ? rules.releaseTime(rules.forecastStepTime(f.issuedAt, f.horizon - 1))
                : f.issuedAt + (long) f.horizon * Math.max(0, f.stepMillis);
        return nominal + cfg.allowedLatenessMillis();
    }

    /** What became of one forecast at one point in event time. */
    private record Outcome(EvaluatedForecast evaluation, boolean incomplete) {
        static final Outcome WAIT = new Outcome(null, false);
        static final Outcome INCOMPLETE = new Outcome(null, true);

        static Outcome scored(EvaluatedForecast e) {
            return new Outcome(e, false);
        }
    }
}
