package io.streamcast.models.eval;

/** Anything that turns raw windows [B][T*C] (time-major) into raw forecasts [B][H*C] (step-major). */
@FunctionalInterface
public interface Forecaster {
    float[][] predict(float[][] windows);
}
