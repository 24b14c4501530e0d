package io.streamcast.bench;

import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Nd4jRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * A short in-process measurement of what {@link InferenceBenchmark} measures with JMH: {@code
 * ForecastModel.predict} on {@code batch} random windows, one model, one ND4J/BLAS thread. The e2e
 * bench runs it in the same run as the job, so the job's cost per forecast can be set against the
 * inference it does on the same machine at the same moment.
 */
final class InferenceRate {
    /** Median and every round's windows/s, and the 1-minute load average at the end. */
    record Result(double windowsPerSec, double[] rounds, double loadAverage) {
    }

    private static final int ROUNDS = 3;

    private InferenceRate() {
    }

    /** One third of {@code seconds} warms up (JIT, ND4J), then {@value #ROUNDS} rounds share the rest. */
    static Result measure(Path bundle, int batch, int seconds) throws BundleException {
        Nd4jRuntime.limitThreads(1);
        try (ForecastModel model = ForecastModel.load(bundle)) {
            Random random = new Random(batch);
            float[][] windows = new float[batch][model.spec().inputLength()];
            for (float[] w : windows) {
                for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
            }
            long roundNanos = seconds * 1_000_000_000L / (ROUNDS + 1);
            run(model, windows, roundNanos); // warm-up
            double[] rounds = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) rounds[r] = run(model, windows, roundNanos);
            double[] sorted = rounds.clone();
            Arrays.sort(sorted);
            return new Result(sorted[ROUNDS / 2], rounds, Machine.loadAverage());
        }
    }

    /** windows/s over calls for at least {@code nanos}. */
    private static double run(ForecastModel model, float[][] windows, long nanos) {
        long start = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            model.predict(windows);
            calls++;
        } while ((elapsed = System.nanoTime() - start) < nanos);
        return calls * windows.length / (elapsed / 1e9);
    }
}
