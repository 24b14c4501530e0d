package io.streamcast.models;

import java.nio.file.Path;

/**
 * A loaded model bundle ready to forecast: raw windows in, raw forecasts out.
 *
 * <p>Not thread-safe: one instance per thread (a DL4J network keeps per-call state, and the
 * per-step roll-out keeps LSTM state between steps).
 */
public final class ForecastModel implements AutoCloseable {

    /** Loads and verifies a bundle directory (checksum, spec, shapes). */
    public static ForecastModel load(Path bundleDir) throws BundleException {
        throw new UnsupportedOperationException("TODO: models module");
    }

    public ModelSpec spec() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The model's name from its manifest. */
    public String name() {
        throw new UnsupportedOperationException("TODO");
    }

    /** The store version the bundle was published as ("dev" when it was never published). */
    public String version() {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Forecasts a batch of windows.
     *
     * @param windows B windows, each T*C raw values, time-major (step, then channel)
     * @return B forecasts, each H*C raw values, step-major (step, then channel)
     */
    public float[][] predict(float[][] windows) {
        throw new UnsupportedOperationException("TODO");
    }

    @Override
    public void close() {
    }
}
