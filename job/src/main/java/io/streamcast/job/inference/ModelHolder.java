package io.streamcast.job.inference;

import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Intervals;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Nd4jRuntime;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * The one place the inference operators get their model from, and the one place windows become
 * forecasts. Serializable as a bundle path only; the network lives in a transient field built in
 * {@link #open()}. The hot-reload issue swaps the model here ({@link #swap}) without touching the
 * operators.
 */
public class ModelHolder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String bundlePath;
    /** Nominal coverage of the forecasts' intervals (when the bundle has calibrated ones). */
    private double coverage = Intervals.DEFAULT_COVERAGE;
    private transient ForecastModel model;
    private transient float[] halfWidths;
    /** Name and version stamped on forecasts when they differ from the manifest's (the store's name for it). */
    private transient String servingName;
    private transient String servingVersion;

    public ModelHolder(String bundlePath) {
        this.bundlePath = bundlePath;
    }

    /** The interval coverage forecasts carry (one of {@link Intervals#COVERAGES}). */
    public ModelHolder withCoverage(double c) {
        if (!Intervals.servable(c)) {
            throw new IllegalArgumentException("interval coverage " + c + " is not one of the calibrated "
                    + java.util.Arrays.toString(Intervals.COVERAGES));
        }
        this.coverage = c;
        return this;
    }

    /** Loads ND4J (off the task thread: {@link Nd4jRuntime#ensureLoaded}), caps it at one thread (one slot, one core) and loads the bundle. */
    public void open() throws BundleException, InterruptedException {
        Nd4jRuntime.ensureLoaded();
        // the job sets this itself: with ND4J's default (all cores) two slots are 2-3x slower
        Nd4jRuntime.limitThreads(1);
        model = ForecastModel.load(Path.of(bundlePath));
        halfWidths = halfWidths(model);
    }

    private float[] halfWidths(ForecastModel m) {
        Intervals i = m == null ? null : m.intervals();
        return i == null || !i.has(coverage) ? null : i.halfWidths(coverage);
    }

    public boolean isLoaded() {
        return model != null;
    }

    public ForecastModel current() {
        if (model == null) {
            throw new IllegalStateException("no model loaded: call open() first");
        }
        return model;
    }

    /** Replaces the model (closing the old one); for hot reload. */
    public void swap(ForecastModel next) {
        swap(next, null, null);
    }

    /**
     * Replaces the model (closing the old one); forecasts then carry {@code name} and {@code version}
     * (null: the manifest's), e.g. the name and version the model store knows the bundle by.
     */
    public void swap(ForecastModel next, String name, String version) {
        ForecastModel old = model;
        model = next;
        halfWidths = halfWidths(next);
        servingName = name;
        servingVersion = version;
        if (old != null && old != next) {
            old.close();
        }
    }

    /**
     * Scores windows with one predict call. Forecasts come back in the order of {@code windows}.
     *
     * @param producedAt wall-clock time stamped on every forecast
     */
    public WindowForecast[] forecast(List<Window> windows, long producedAt) {
        ForecastModel m = current();
        ModelSpec spec = m.spec();
        String[] targets = spec.targets().toArray(new String[0]);
        int[] targetIndex = spec.targetIndices();
        float[] q = halfWidths;
        float[][] inputs = new float[windows.size()][];
        for (int i = 0; i < inputs.length; i++) {
            Window w = windows.get(i);
            if (w.values.length != spec.inputLength()) {
                throw new IllegalStateException("window of " + w.sensorId + " has " + w.values.length
                        + " values but model " + m.name() + " expects T*C = " + spec.window() + "*"
                        + spec.channelCount() + " = " + spec.inputLength()
                        + ": set the assembler's window and channels from the model's spec");
            }
            inputs[i] = w.values;
        }
        float[][] outputs = m.predict(inputs);
        WindowForecast[] forecasts = new WindowForecast[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            Window w = windows.get(i);
            WindowForecast f = new WindowForecast();
            f.sensorId = w.sensorId;
            f.issuedAt = w.endTime;
            f.modelName = servingName != null ? servingName : m.name();
            f.modelVersion = servingVersion != null ? servingVersion : m.version();
            f.head = spec.head().cliName();
            // the window's own step (fixed-step mode) is the forecast's time axis; the model's nominal step otherwise
            f.stepMillis = w.stepMillis != 0 ? w.stepMillis : spec.stepMillis();
            f.horizon = spec.horizon();
            f.channels = spec.targetCount();
            f.targets = targets;
            f.targetIndex = targetIndex;
            f.values = outputs[i];
            if (q != null) {
                f.lower = new float[q.length];
                f.upper = new float[q.length];
                for (int j = 0; j < q.length; j++) {
                    f.lower[j] = f.values[j] - q[j];
                    f.upper[j] = f.values[j] + q[j];
                }
                f.coverage = (float) coverage;
            }
            f.producedAt = producedAt;
            forecasts[i] = f;
        }
        return forecasts;
    }

    public void close() {
        swap(null);
    }

    @Override
    public String toString() {
        return "ModelHolder{" + bundlePath + (model == null ? "" : ", " + model.name() + "@" + model.version()) + "}";
    }
}
