package io.streamcast.job.inference;

import java.io.Serializable;
import java.util.Objects;

/**
 * How windows are scored: the model bundle, batched or per-record, and the batching limits.
 * Immutable; {@code with*} return copies. The job's values (and their defaults) come from its
 * settings (inference.*).
 */
public final class InferenceConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public enum Mode {
        /** Windows of all sensors micro-batched into one predict call (the design). */
        BATCHED,
        /** One predict call per window (a plain map function: the benchmark baseline). */
        PER_RECORD
    }

    private final String bundlePath;
    private final Mode mode;
    private final int maxBatch;
    private final long flushTimeoutMillis;
    private final double coverage;

    public InferenceConfig(String bundlePath, Mode mode, int maxBatch, long flushTimeoutMillis) {
        this(bundlePath, mode, maxBatch, flushTimeoutMillis, io.streamcast.models.Intervals.DEFAULT_COVERAGE);
    }

    /** @param coverage nominal coverage of the forecasts' intervals (bundles with calibrated intervals) */
    public InferenceConfig(String bundlePath, Mode mode, int maxBatch, long flushTimeoutMillis, double coverage) {
        Objects.requireNonNull(bundlePath, "bundlePath");
        Objects.requireNonNull(mode, "mode");
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        if (flushTimeoutMillis < 0) {
            throw new IllegalArgumentException("flushTimeoutMillis must be >= 0, got " + flushTimeoutMillis);
        }
        this.bundlePath = bundlePath;
        this.mode = mode;
        this.maxBatch = maxBatch;
        this.flushTimeoutMillis = flushTimeoutMillis;
        if (!io.streamcast.models.Intervals.servable(coverage)) {
            throw new IllegalArgumentException("interval coverage " + coverage + " is not one of "
                    + java.util.Arrays.toString(io.streamcast.models.Intervals.COVERAGES));
        }
        this.coverage = coverage;
    }

    /** Nominal coverage of the forecasts' lower/upper bounds. */
    public double coverage() {
        return coverage;
    }

    /** A holder of this config's bundle that stamps intervals at this coverage. */
    public ModelHolder holder(String bundle) {
        return new ModelHolder(bundle).withCoverage(coverage);
    }

    public InferenceConfig withMode(Mode mode) {
        return new InferenceConfig(bundlePath, mode, maxBatch, flushTimeoutMillis, coverage);
    }

    public InferenceConfig withMaxBatch(int maxBatch) {
        return new InferenceConfig(bundlePath, mode, maxBatch, flushTimeoutMillis, coverage);
    }

    public InferenceConfig withFlushTimeoutMillis(long flushTimeoutMillis) {
        return new InferenceConfig(bundlePath, mode, maxBatch, flushTimeoutMillis, coverage);
    }

    /** Directory of the model bundle, as seen by the task managers. */
    public String bundlePath() {
        return bundlePath;
    }

    public Mode mode() {
        return mode;
    }

    /** A batch is scored as soon as it holds this many windows. */
    public int maxBatch() {
        return maxBatch;
    }

    /** A non-empty batch is scored at the latest this long (processing time) after its first window. */
    public long flushTimeoutMillis() {
        return flushTimeoutMillis;
    }

    @Override
    public String toString() {
        return "InferenceConfig{bundle=" + bundlePath + ", mode=" + mode
                + (mode == Mode.BATCHED ? ", maxBatch=" + maxBatch + ", flushTimeout=" + flushTimeoutMillis + "ms" : "")
                + "}";
    }
}
