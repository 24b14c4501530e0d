package io.streamcast.job.assembly;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;

/**
 * How readings of one sensor become model windows: window length T, channel count C, count or
 * fixed-step mode, stride, resampling, gap policy and state TTL. Immutable; {@code with*} return copies.
 *
 * <pre>{@code
 * AssemblerConfig.count(24, 7).withStride(4)
 * AssemblerConfig.fixedStep(24, 7, 3_600_000).withResample(Resample.MEAN).withMaxGapSteps(2)
 * }</pre>
 */
public final class AssemblerConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** What one step of a window is. */
    public enum Mode {
        /** Every reading is one step, in event-time order. */
        COUNT,
        /** Readings are resampled into buckets of {@code stepMillis}; one bucket is one step. */
        FIXED_STEP
    }

    /** When a reading becomes a step, and which readings are late. */
    public enum Ordering {
        /**
         * Each sensor's readings are used in the order they arrive, at once: a window leaves as soon as
         * the reading completing it is accepted. A reading not newer than its sensor's last accepted one
         * (fixed-step: whose bucket is already closed) is late.
         */
        IN_ORDER,
        /**
         * Readings wait until the watermark passes them and become steps in event-time order, so
         * out-of-order readings within the watermark bound are re-ordered; readings at or behind the
         * watermark are late. Every window waits for the watermark.
         */
        EVENT_TIME
    }

    /** How the readings of one fixed-step bucket become one step. */
    public enum Resample {
        /** The reading with the latest event time in the bucket. */
        LAST,
        /** The per-channel mean of the bucket's readings. */
        MEAN
    }

    public static final Duration DEFAULT_STATE_TTL = Duration.ofHours(1);

    private final int window;
    private final int channels;
    private final Mode mode;
    private final long stepMillis;
    private final int stride;
    private final Resample resample;
    private final int maxGapSteps;
    private final Duration stateTtl;
    private final Ordering ordering;

    public AssemblerConfig(int window, int channels, Mode mode, long stepMillis, int stride, Resample resample,
                           int maxGapSteps, Duration stateTtl) {
        this(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, Ordering.IN_ORDER);
    }

    public AssemblerConfig(int window, int channels, Mode mode, long stepMillis, int stride, Resample resample,
                           int maxGapSteps, Duration stateTtl, Ordering ordering) {
        if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
        if (channels < 1) throw new IllegalArgumentException("channels must be >= 1, got " + channels);
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.FIXED_STEP && stepMillis < 1) {
            throw new IllegalArgumentException("fixed-step mode needs stepMillis >= 1, got " + stepMillis);
        }
        if (stride < 1) throw new IllegalArgumentException("stride must be >= 1, got " + stride);
        if (maxGapSteps < 0) throw new IllegalArgumentException("maxGapSteps must be >= 0, got " + maxGapSteps);
        Objects.requireNonNull(stateTtl, "stateTtl");
        if (stateTtl.isNegative() || stateTtl.isZero()) {
            throw new IllegalArgumentException("stateTtl must be positive, got " + stateTtl);
        }
        this.window = window;
        this.channels = channels;
        this.mode = mode;
        this.stepMillis = stepMillis;
        this.stride = stride;
        this.resample = resample == null ? Resample.LAST : resample;
        this.maxGapSteps = maxGapSteps;
        this.stateTtl = stateTtl;
        this.ordering = Objects.requireNonNull(ordering, "ordering");
    }

    /** Count mode: every reading is a step, in arrival order; stride 1, TTL 1 h. */
    public static AssemblerConfig count(int window, int channels) {
        return new AssemblerConfig(window, channels, Mode.COUNT, 0, 1, Resample.LAST, 0, DEFAULT_STATE_TTL);
    }

    /** Fixed-step mode: in arrival order, LAST resampling, no gap filling (any gap resets), stride 1, TTL 1 h. */
    public static AssemblerConfig fixedStep(int window, int channels, long stepMillis) {
        return new AssemblerConfig(window, channels, Mode.FIXED_STEP, stepMillis, 1, Resample.LAST, 0,
                DEFAULT_STATE_TTL);
    }

    public AssemblerConfig withStride(int stride) {
        return new AssemblerConfig(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, ordering);
    }

    public AssemblerConfig withResample(Resample resample) {
        return new AssemblerConfig(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, ordering);
    }

    public AssemblerConfig withMaxGapSteps(int maxGapSteps) {
        return new AssemblerConfig(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, ordering);
    }

    public AssemblerConfig withOrdering(Ordering ordering) {
        return new AssemblerConfig(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, ordering);
    }

    public AssemblerConfig withStateTtl(Duration stateTtl) {
        return new AssemblerConfig(window, channels, mode, stepMillis, stride, resample, maxGapSteps, stateTtl, ordering);
    }

    /** T, steps per window. */
    public int window() {
        return window;
    }

    /** C, values per reading. */
    public int channels() {
        return channels;
    }

    public Mode mode() {
        return mode;
    }

    /** Bucket length in fixed-step mode (ignored in count mode). */
    public long stepMillis() {
        return stepMillis;
    }

    /** A window is emitted every {@code stride} steps once T steps exist. */
    public int stride() {
        return stride;
    }

    public Resample resample() {
        return resample;
    }

    /** Fixed-step mode: up to this many missing buckets are filled forward; longer gaps reset. */
    public int maxGapSteps() {
        return maxGapSteps;
    }

    /** A sensor without readings while event time moves on this long loses all its state. */
    public Duration stateTtl() {
        return stateTtl;
    }

    public Ordering ordering() {
        return ordering;
    }

    /** The rules of this config's steps (step time, release time, resampling), shared with the evaluator. */
    public StepRules rules() {
        return new StepRules(this);
    }

    @Override
    public String toString() {
        return "AssemblerConfig{T=" + window + ", C=" + channels + ", mode=" + mode
                + (mode == Mode.FIXED_STEP ? ", step=" + stepMillis + "ms, resample=" + resample
                + ", maxGapSteps=" + maxGapSteps : "")
                + ", stride=" + stride + ", ordering=" + ordering + ", ttl=" + stateTtl + "}";
    }
}
