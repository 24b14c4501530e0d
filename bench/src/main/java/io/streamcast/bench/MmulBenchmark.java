package io.streamcast.bench;

import io.streamcast.models.Nd4jRuntime;
import java.util.concurrent.TimeUnit;
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

/**
 * The machine's single-precision matrix-multiply peak through ND4J (OpenBLAS SGEMM): n x n times n x n
 * into a preallocated column-major result, one BLAS thread per JMH thread (the same threading as the inference
 * points it is compared with). GFLOP/s = score x 2n^3 / 1e9.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MmulBenchmark {
    @Param({"1024"})
    public int n;

    private INDArray a;
    private INDArray b;
    private INDArray c;

    @Setup(Level.Trial)
    public void allocate() {
        Nd4jRuntime.limitThreads(1);
        Nd4j.getRandom().setSeed(n);
        // column-major ('f') throughout: BLAS's own layout, so no temporary result and no copy-back
        // (with a 'c' result, mmuli allocates an 'f' temporary and assigns it: ~25% of the time)
        a = Nd4j.rand(DataType.FLOAT, n, n).dup('f');
        b = Nd4j.rand(DataType.FLOAT, n, n).dup('f');
        c = Nd4j.create(DataType.FLOAT, new long[] {n, n}, 'f');
    }

    @Benchmark
    public INDArray mmul() {
        return Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    }
}
