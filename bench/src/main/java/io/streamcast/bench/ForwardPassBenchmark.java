package io.streamcast.bench;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.FusedLstmForward;
import io.streamcast.models.JavaLstmForward;
import io.streamcast.models.Nd4jRuntime;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
 * The network's forward pass alone on a [batch, C, T] input already in network space: DL4J's
 * {@code MultiLayerNetwork.output} against {@link JavaLstmForward} (shipped), {@link FusedLstmForward} (one libnd4j op per layer:
 * lstmBlock or lstmLayer) and {@link GemmLstmForward} (one GEMM for all input projections, experiment). The output array is copied to a Java float[][] in both, as predict does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ForwardPassBenchmark {
    @Param({""})
    public String bundle;

    @Param({"1"})
    public int batch;

    @Param({"dl4j", "java", "block", "layer", "gemm"})
    public String impl;
    /** How many forward passes {@link #impl} compares. */
    static final int IMPLS = 5;

    private ForecastModel model;
    private MultiLayerNetwork network;
    private FusedLstmForward fused;
    private GemmLstmForward gemm;
    private JavaLstmForward heap;
    private INDArray x;
    private float[] packed;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Nd4jRuntime.limitThreads(1);
        model = ForecastModel.load(Path.of(bundle));
        network = model.network();
        fused = switch (impl) {
            case "block" -> new FusedLstmForward(model.spec(), network, FusedLstmForward.Kernel.BLOCK);
            case "layer" -> new FusedLstmForward(model.spec(), network, FusedLstmForward.Kernel.LAYER);
            default -> null;
        };
        gemm = impl.equals("gemm") ? new GemmLstmForward(model.spec(), network) : null;
        heap = impl.equals("java") ? new JavaLstmForward(model.spec(), network) : null;
        Nd4j.getRandom().setSeed(batch);
        x = Nd4j.rand(DataType.FLOAT, batch, model.spec().channelCount(), model.spec().window());
        packed = x.data().asFloat();
    }

    @Benchmark
    public float[][] forward() {
        if (heap != null) return heap.output(packed, batch, model.spec().window());
        INDArray y = switch (impl) {
            case "block", "layer" -> fused.output(x);
            case "gemm" -> gemm.output(x);
            default -> network.output(x, false);
        };
        return y.toFloatMatrix();
    }

    @TearDown(Level.Trial)
    public void close() {
        model.close();
    }
}
