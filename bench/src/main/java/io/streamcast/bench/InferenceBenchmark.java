package io.streamcast.bench;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.Nd4jRuntime;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@code ForecastModel.predict} on {@code batch} windows per call; batch 1 is the per-record path (what
 * the per-record operator does for every window). One model per JMH thread, one ND4J/BLAS thread each,
 * as in a Flink slot. Score: calls per second; windows/s = score x batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class InferenceBenchmark {
    /** Bundle directory (set by {@code streamcast bench inference}). */
    @Param({""})
    public String bundle;

    @Param({"1"})
    public int batch;

    /** fused: the shipped path (FusedLstmForward for flat heads); block/layer: its native op; dl4j: DL4J's own forward pass. */
    @Param({"fused"})
    public String impl;

    private ForecastModel model;
    private float[][] windows;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Nd4jRuntime.limitThreads(1);
        switch (impl) {
            case "fused" -> System.clearProperty(ForecastModel.FUSED_PROPERTY);
            case "dl4j" -> System.setProperty(ForecastModel.FUSED_PROPERTY, "false");
            default -> System.setProperty(ForecastModel.FUSED_PROPERTY, impl);
        }
        model = ForecastModel.load(Path.of(bundle));
        Random random = new Random(batch);
        windows = new float[batch][model.spec().inputLength()];
        for (float[] w : windows) {
            for (int i = 0; i < w.length; i++) w[i] = (float) random.nextGaussian();
        }
    }

    @Benchmark
    public float[][] predict() {
        return model.predict(windows);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }
}
