package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AssemblerConfig;
import java.io.Serializable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How forecasts are scored: the assembler's step rules (so actuals are the same steps the model
 * saw), the model's train-split std (normalised errors), how long a forecast waits for its actuals,
 * and the rolling windows of the metrics and the drift alarm. Immutable; {@code with*} return copies.
 */
public final class EvaluationConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofHours(1);
    public static final int DEFAULT_METRICS_WINDOW = 500;
    public static final int DEFAULT_DRIFT_WINDOW = 200;
    public static final double DEFAULT_DRIFT_THRESHOLD = 0.0;

    private final AssemblerConfig steps;
    private final float[] std;
    private final long allowedLatenessMillis;
    private final int metricsWindow;
    private final int driftWindow;
    private final double driftThreshold;

    public EvaluationConfig(AssemblerConfig steps, float[] std, Duration allowedLateness, int metricsWindow,
                            int driftWindow, double driftThreshold) {
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(std, "std");
        if (std.length != steps.channels()) {
            throw new IllegalArgumentException("std has " + std.length + " channels, the readings " + steps.channels());
        }
        for (float s : std) {
            if (!(s > 0) || Float.isInfinite(s)) throw new IllegalArgumentException("std must be positive and finite: " + Arrays.toString(std));
        }
        if (allowedLateness.isNegative()) throw new IllegalArgumentException("allowedLateness must be >= 0, got " + allowedLateness);
        if (metricsWindow < 1) throw new IllegalArgumentException("metricsWindow must be >= 1, got " + metricsWindow);
        if (driftWindow < 1) throw new IllegalArgumentException("driftWindow must be >= 1, got " + driftWindow);
        if (!Double.isFinite(driftThreshold)) throw new IllegalArgumentException("driftThreshold must be finite");
        this.steps = steps;
        this.std = std.clone();
        this.allowedLatenessMillis = allowedLateness.toMillis();
        this.metricsWindow = metricsWindow;
        this.driftWindow = driftWindow;
        this.driftThreshold = driftThreshold;
    }

    /** Defaults: allowed lateness 1 h, metrics over the last 500 forecasts, drift alarm below skill 0 over 200. */
    public static EvaluationConfig of(AssemblerConfig steps, float[] std) {
        return new EvaluationConfig(steps, std, DEFAULT_ALLOWED_LATENESS, DEFAULT_METRICS_WINDOW, DEFAULT_DRIFT_WINDOW,
                DEFAULT_DRIFT_THRESHOLD);
    }

    public EvaluationConfig withAllowedLateness(Duration d) {
        return new EvaluationConfig(steps, std, d, metricsWindow, driftWindow, driftThreshold);
    }

    public EvaluationConfig withMetricsWindow(int n) {
        return new EvaluationConfig(steps, std, Duration.ofMillis(allowedLatenessMillis), n, driftWindow, driftThreshold);
    }

    public EvaluationConfig withDrift(int window, double threshold) {
        return new EvaluationConfig(steps, std, Duration.ofMillis(allowedLatenessMillis), metricsWindow, window, threshold);
    }

    /** The assembler's step rules: count or fixed-step, bucket length, resampling, channels. */
    public AssemblerConfig steps() {
        return steps;
    }

    public boolean fixedStep() {
        return steps.mode() == AssemblerConfig.Mode.FIXED_STEP;
    }

    public float[] std() {
        return std;
    }

    /** A forecast still incomplete this long (event time) after its nominal last step expires. */
    public long allowedLatenessMillis() {
        return allowedLatenessMillis;
    }

    /** Rolling MAE/RMSE/skill cover the last this many evaluated forecasts (per model version and subtask). */
    public int metricsWindow() {
        return metricsWindow;
    }

    /** The drift alarm looks at the skill of the last this many evaluated forecasts. */
    public int driftWindow() {
        return driftWindow;
    }

    /** The drift alarm is raised while that skill is below this. */
    public double driftThreshold() {
        return driftThreshold;
    }

    @Override
    public String toString() {
        return "EvaluationConfig{" + steps.mode() + (fixedStep() ? " step=" + steps.stepMillis() + "ms " + steps.resample() : "")
                + ", allowedLateness=" + allowedLatenessMillis + "ms, metricsWindow=" + metricsWindow
                + ", drift<" + driftThreshold + " over " + driftWindow + "}";
    }
}
