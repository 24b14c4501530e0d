package io.streamcast.bench;

import io.streamcast.models.BundleException;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Nd4jRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
    /**
     * Median windows per second of this thread's CPU time (comparable with forecasts per job
     * core-second, and little affected by other processes taking the core), every round's, the median
     * wall-clock rate, and the 1-minute load average at the end.
     */
    record Result(double windowsPerSec, double[] rounds, double wallWindowsPerSec, double loadAverage) {
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
            double[] wall = new double[ROUNDS];
            for (int r = 0; r < ROUNDS; r++) {
                double[] rates = run(model, windows, roundNanos);
                rounds[r] = rates[0];
                wall[r] = rates[1];
            }
            return new Result(median(rounds), rounds, median(wall), Machine.loadAverage());
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /**
     * {windows per CPU-second of this thread, windows per wall-clock second} over calls for at least
     * {@code nanos} of wall time. With one OpenMP/BLAS thread the native forward pass runs on the
     * calling thread, so its CPU time is this thread's.
     */
    private static double[] run(ForecastModel model, float[][] windows, long nanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpu0 = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            model.predict(windows);
            calls++;
        } while ((elapsed = System.nanoTime() - start) < nanos);
        double cpuSeconds = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
        double n = calls * windows.length;
        return new double[] {n / cpuSeconds, n / (elapsed / 1e9)};
    }
}
