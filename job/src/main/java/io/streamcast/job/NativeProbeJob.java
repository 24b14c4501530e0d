package io.streamcast.job;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A smoke job for a session cluster: loads ND4J in every subtask and multiplies small matrices until
 * cancelled. It checks the cluster's DL4J setup (natives extracted once, loaded by the parent
 * classloader) without needing Kafka or a model, and is what the repeated-submission measurement
 * in docs/deploy.md runs. Submit: {@code ./streamcast submit --entry-class io.streamcast.job.NativeProbeJob}.
 */
public final class NativeProbeJob {
    private NativeProbeJob() {
    }

    public static void main(String[] args) throws Exception {
        int perSecond = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        defineWorkflow(env.fromSequence(0, Long.MAX_VALUE), perSecond);
        env.execute("streamcast native probe");
    }

    static void defineWorkflow(DataStream<Long> ticks, int perSecond) {
        ticks.map(new MatrixProduct(perSecond)).name("nd4j matrix product")
                .sinkTo(new DiscardingSink<>()).name("discard");
    }

    /** One 64x64 matrix product per element, throttled: enough to keep ND4J's natives in use. */
    static final class MatrixProduct extends RichMapFunction<Long, Double> {
        private static final Logger LOG = LoggerFactory.getLogger(MatrixProduct.class);
        private final int perSecond;
        private transient INDArray weights;

        MatrixProduct(int perSecond) {
            this.perSecond = perSecond;
        }

        @Override
        public void open(OpenContext context) {
            long start = System.nanoTime();
            weights = Nd4j.rand(64, 64);
            LOG.info("ND4J ready in {} ms; Nd4j loaded by {} (job code by {})",
                    (System.nanoTime() - start) / 1_000_000, Nd4j.class.getClassLoader(), getClass().getClassLoader());
        }

        @Override
        public Double map(Long tick) throws Exception {
            Thread.sleep(1000L / Math.max(1, perSecond));
            try (INDArray input = Nd4j.rand(64, 64); INDArray product = input.mmul(weights)) {
                return product.sumNumber().doubleValue();
            }
        }
    }
}
