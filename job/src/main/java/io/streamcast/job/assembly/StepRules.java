package io.streamcast.job.assembly;

import java.io.Serializable;

/**
 * What a step is, in one place, for the assembler (which builds the steps) and the evaluator (which
 * scores forecasts against them):
 * <ul>
 *   <li><b>step time</b>: count mode, the reading's own time; fixed-step mode, the start of its bucket
 *       {@code [b, b+stepMillis)};</li>
 *   <li><b>release time</b>: the event time from which a step is final: its own time (count mode) or
 *       its bucket's last millisecond;</li>
 *   <li><b>resampling</b>: one step per step time: the reading with the latest event time (count mode
 *       and LAST; equal times: the later arrival) or the per-channel MEAN of the bucket;</li>
 *   <li><b>late</b>: a reading at or before the point up to which steps are final;</li>
 *   <li><b>the next step</b>: fixed-step step h of a forecast issued at t is the bucket
 *       {@code t + (h+1)*stepMillis}; missing buckets in between are a gap.</li>
 * </ul>
 */
public final class StepRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final boolean fixedStep;
    private final long stepMillis;
    private final boolean mean;
    private final AssemblerConfig.Ordering ordering;

    StepRules(AssemblerConfig cfg) {
        this.fixedStep = cfg.mode() == AssemblerConfig.Mode.FIXED_STEP;
        this.stepMillis = fixedStep ? cfg.stepMillis() : 0L;
        this.mean = fixedStep && cfg.resample() == AssemblerConfig.Resample.MEAN;
        this.ordering = cfg.ordering();
    }

    public boolean fixedStep() {
        return fixedStep;
    }

    /** Fixed-step mode: the bucket length; 0 in count mode. */
    public long stepMillis() {
        return stepMillis;
    }

    public boolean inOrder() {
        return ordering == AssemblerConfig.Ordering.IN_ORDER;
    }

    /** The time of the step a reading at {@code timestamp} belongs to. */
    public long stepTime(long timestamp) {
        return fixedStep ? Math.floorDiv(timestamp, stepMillis) * stepMillis : timestamp;
    }

    /** From this event time on, the step at {@code stepTime} cannot change any more. */
    public long releaseTime(long stepTime) {
        return fixedStep ? stepTime + stepMillis - 1 : stepTime;
    }

    /** A reading at {@code timestamp} is late once the steps are final up to {@code finalUpTo}. */
    public static boolean isLate(long timestamp, long finalUpTo) {
        return timestamp <= finalUpTo;
    }

    /**
     * Where the steps are final up to, given the sensor's own progress (in-order: its latest accepted
     * reading) and the watermark. Event-time ordering follows the watermark alone; in-order count mode
     * the sensor alone (each reading is final on arrival); in-order fixed-step mode both: a bucket closes
     * when the sensor's first reading of a later bucket arrives or the watermark passes its end, so a
     * paused sensor's last bucket still closes.
     */
    public long finalUpTo(long sensorProgress, long watermark) {
        if (!inOrder()) return watermark;
        return fixedStep ? Math.max(sensorProgress, watermark) : sensorProgress;
    }

    /** In-order ordering: the sensor's progress once a reading at {@code timestamp} is accepted. */
    public long progressAfter(long timestamp) {
        return fixedStep ? stepTime(timestamp) - 1 : timestamp;
    }

    /** Fixed-step mode: the time of step {@code h} (0-based) of a forecast issued at {@code issuedAt}. */
    public long forecastStepTime(long issuedAt, int h) {
        return issuedAt + (h + 1L) * stepMillis;
    }

    /** Fixed-step mode: how many buckets are missing between two steps. */
    public long missingSteps(long previousStep, long step) {
        return (step - previousStep) / stepMillis - 1;
    }

    /**
     * Adds a reading to the accumulator of its step ({@code acc[off, off+C)}): MEAN sums, the others
     * keep the reading with the latest time ({@code newest}: not older than any reading added before).
     */
    public void accumulate(double[] acc, int off, float[] values, boolean first, boolean newest) {
        if (mean && !first) {
            for (int i = 0; i < values.length; i++) acc[off + i] += values[i];
        } else if (first || newest) {
            for (int i = 0; i < values.length; i++) acc[off + i] = values[i];
        }
    }

    /** The step of an accumulator holding {@code count} readings. */
    public float[] step(double[] acc, int off, int channels, int count) {
        float[] out = new float[channels];
        for (int i = 0; i < channels; i++) out[i] = (float) (mean ? acc[off + i] / count : acc[off + i]);
        return out;
    }
}
