package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Scores each sensor's forecasts against the readings that arrive after them (keyed by sensorId;
 * input 1: validated readings, input 2: forecasts).
 *
 * <p><b>Actuals are the assembler's steps.</b> Readings are kept by event time and turned into steps
 * by the same rules as {@code SequenceAssembler}: in count mode each reading is a step, so step h of
 * a forecast issued at t is the (h+1)-th reading after t in event-time order; in fixed-step mode
 * bucket {@code [b, b+step)} is one step (its LAST or MEAN reading), so step h is bucket
 * {@code issuedAt + (h+1)*step}. Repeat's forecast is the step at issuedAt (the input window's last
 * step), scored on the same H steps.
 *
 * <p><b>When.</b> A step is final once the watermark has passed it (count mode: its reading's time;
 * fixed-step: its bucket's end), because later readings at or behind the watermark are late. A
 * forecast is scored as soon as all its H steps are final: on arrival if they already are, else at an
 * event-time timer (fixed-step: the end of its last bucket; count mode: each reading's time).
 * Fixed-step forecasts with an empty bucket among their steps are dropped as incomplete (a gap has no
 * actual; the assembler's forward fill is not a measurement).
 *
 * <p><b>Bounded state.</b> A forecast not complete by its deadline,
 * {@code issuedAt + H*stepMillis (+ step-1 in fixed-step mode) + allowedLateness}, expires (count mode
 * uses the forecast's nominal stepMillis). A reading is dropped once the watermark is
 * {@code allowedLateness} past its step's release time and no waiting forecast needs it; each reading
 * registers a timer for that, so a silent sensor's state empties as event time moves on.
 *
 * <p><b>Late actuals.</b> A reading at or behind the watermark when it arrives is not used (counted in
 * {@code lateActuals}): the assembler sends such readings to the late topic, so they are not steps
 * the model saw, and a bucket once scored must not change afterwards.
 */
public class ForecastEvaluator extends KeyedCoProcessFunction<String, Reading, WindowForecast, EvaluatedForecast> {
    private static final long serialVersionUID = 1L;

    private final EvaluationConfig cfg;

    /** Readings not yet dropped: event time -> values (a later reading of the same time replaces it, as in the assembler). */
    private transient MapState<Long, float[]> readings;
    /** Forecasts waiting for their actuals: issuedAt -> forecast. */
    private transient MapState<Long, WindowForecast> forecasts;
    private transient EvaluationMetrics metrics;

    public ForecastEvaluator(EvaluationConfig cfg) {
        this.cfg = cfg;
    }

    @Override
    public void open(OpenContext openContext) {
        readings = getRuntimeContext().getMapState(new MapStateDescriptor<>("actuals", Types.LONG,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        forecasts = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting-forecasts", Types.LONG,
                TypeInformation.of(WindowForecast.class)));
        metrics = new EvaluationMetrics(getRuntimeContext().getMetricGroup(), cfg);
    }

    /** For tests: the metrics of this instance. */
    EvaluationMetrics metrics() {
        return metrics;
    }

    @Override
    public void processElement1(Reading r, Context ctx, Collector<EvaluatedForecast> out) throws Exception {
        TimerService timers = ctx.timerService();
        if (r.timestamp <= timers.currentWatermark()) {
            metrics.lateActuals.inc();
            return;
        }
        readings.put(r.timestamp, r.values);
        long release = releaseTime(r.timestamp);
        if (!cfg.fixedStep()) timers.registerEventTimeTimer(release); // a count-mode step became final
        timers.registerEventTimeTimer(release + cfg.allowedLatenessMillis()); // drop it
    }

    @Override
    public void processElement2(WindowForecast f, Context ctx, Collector<EvaluatedForecast> out) throws Exception {
        metrics.forecastSeen(f.modelVersion);
        long watermark = ctx.timerService().currentWatermark();
        forecasts.put(f.issuedAt, f);
        if (!settle(f, watermark, sortedReadings(), out)) {
            if (cfg.fixedStep()) ctx.timerService().registerEventTimeTimer(lastStepRelease(f));
            ctx.timerService().registerEventTimeTimer(deadline(f));
        }
        dropUnneededReadings(watermark);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<EvaluatedForecast> out) throws Exception {
        List<WindowForecast> waiting = new ArrayList<>();
        for (WindowForecast f : forecasts.values()) waiting.add(f);
        waiting.sort((a, b) -> Long.compare(a.issuedAt, b.issuedAt));
        if (!waiting.isEmpty()) {
            TreeMap<Long, float[]> sorted = sortedReadings(); // once per timer: readings do not change here
            for (WindowForecast f : waiting) settle(f, time, sorted, out);
        }
        dropUnneededReadings(time);
    }

    /**
     * Scores, drops or keeps one waiting forecast, given that every step released at or before
     * {@code finalUpTo} is final. Returns true when the forecast left the state.
     */
    private boolean settle(WindowForecast f, long finalUpTo, TreeMap<Long, float[]> sorted,
                           Collector<EvaluatedForecast> out) throws Exception {
        Outcome o = cfg.fixedStep() ? scoreFixedStep(f, finalUpTo, sorted) : scoreCount(f, finalUpTo, sorted);
        if (o.evaluation != null) {
            out.collect(o.evaluation);
            metrics.record(o.evaluation);
        } else if (o.incomplete) {
            metrics.incomplete.inc();
        } else if (deadline(f) <= finalUpTo) {
            metrics.expired.inc();
        } else {
            return false;
        }
        forecasts.remove(f.issuedAt);
        return true;
    }

    private Outcome scoreCount(WindowForecast f, long finalUpTo, TreeMap<Long, float[]> sorted) {
        float[] last = sorted.get(f.issuedAt);
        if (last == null) return Outcome.INCOMPLETE; // the input's last step is not here: cannot score Repeat
        float[][] actuals = new float[f.horizon][];
        int h = 0;
        long lastAt = f.issuedAt;
        for (Map.Entry<Long, float[]> e : sorted.tailMap(f.issuedAt, false).entrySet()) {
            if (h == f.horizon || e.getKey() > finalUpTo) break;
            actuals[h++] = e.getValue();
            lastAt = e.getKey();
        }
        if (h < f.horizon) return Outcome.WAIT;
        return Outcome.scored(ForecastErrors.score(f, last, actuals, cfg.std(), lastAt));
    }

    private Outcome scoreFixedStep(WindowForecast f, long finalUpTo, TreeMap<Long, float[]> sorted) {
        if (lastStepRelease(f) > finalUpTo) return Outcome.WAIT;
        long step = cfg.steps().stepMillis();
        long last = f.issuedAt + (long) f.horizon * step;
        TreeMap<Long, List<float[]>> buckets = new TreeMap<>();
        // only the forecast's own buckets, [issuedAt, last step's end)
        for (Map.Entry<Long, float[]> e : sorted.subMap(f.issuedAt, true, last + step, false).entrySet()) {
            buckets.computeIfAbsent(bucketStart(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
        }
        float[] input = resample(buckets.get(f.issuedAt));
        float[][] actuals = new float[f.horizon][];
        for (int h = 0; h < f.horizon; h++) {
            actuals[h] = resample(buckets.get(f.issuedAt + (h + 1) * step));
            if (actuals[h] == null) return Outcome.INCOMPLETE;
        }
        if (input == null) return Outcome.INCOMPLETE;
        return Outcome.scored(ForecastErrors.score(f, input, actuals, cfg.std(), last));
    }

    /** One bucket's readings (in event-time order) as one step, as the assembler resamples; null when empty. */
    private float[] resample(List<float[]> bucket) {
        if (bucket == null || bucket.isEmpty()) return null;
        if (cfg.steps().resample() == AssemblerConfig.Resample.LAST) return bucket.get(bucket.size() - 1);
        int c = cfg.steps().channels();
        double[] sum = new double[c];
        for (float[] v : bucket) {
            for (int i = 0; i < c; i++) sum[i] += v[i];
        }
        float[] mean = new float[c];
        for (int i = 0; i < c; i++) mean[i] = (float) (sum[i] / bucket.size());
        return mean;
    }

    /**
     * Drops readings no forecast can need any more: released at least allowedLateness before
     * {@code time} (forecasts for them have arrived by then) and older than every waiting forecast.
     */
    private void dropUnneededReadings(long time) throws Exception {
        long oldestWaiting = Long.MAX_VALUE;
        for (Long issuedAt : forecasts.keys()) oldestWaiting = Math.min(oldestWaiting, issuedAt);
        List<Long> drop = new ArrayList<>();
        for (Long t : readings.keys()) {
            if (releaseTime(t) + cfg.allowedLatenessMillis() <= time && bucketStart(t) < oldestWaiting) drop.add(t);
        }
        for (Long t : drop) readings.remove(t);
    }

    private TreeMap<Long, float[]> sortedReadings() throws Exception {
        TreeMap<Long, float[]> sorted = new TreeMap<>();
        for (Map.Entry<Long, float[]> e : readings.entries()) sorted.put(e.getKey(), e.getValue());
        return sorted;
    }

    /** When a reading's step is final: its own time (count mode) or its bucket's last millisecond. */
    private long releaseTime(long timestamp) {
        return cfg.fixedStep() ? bucketStart(timestamp) + cfg.steps().stepMillis() - 1 : timestamp;
    }

    private long bucketStart(long timestamp) {
        return cfg.fixedStep() ? Math.floorDiv(timestamp, cfg.steps().stepMillis()) * cfg.steps().stepMillis() : timestamp;
    }

    /** Fixed-step mode: when the forecast's last bucket is final. */
    private long lastStepRelease(WindowForecast f) {
        return f.issuedAt + (long) f.horizon * cfg.steps().stepMillis() + cfg.steps().stepMillis() - 1;
    }

    /** After this event time a forecast still waiting for actuals expires. */
    long deadline(WindowForecast f) {
        long nominal = cfg.fixedStep() ? lastStepRelease(f) : f.issuedAt + (long) f.horizon * Math.max(0, f.stepMillis);
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
