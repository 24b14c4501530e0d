package io.streamcast.bench;

import com.sun.management.OperatingSystemMXBean;
import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.evaluation.EvaluationConfig;
import io.streamcast.job.evaluation.OnlineEvaluation;
import io.streamcast.job.inference.Inference;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The job's keyed-state core per reading: a bounded job on one MiniCluster slot (parallelism 1) of
 * {@code readings} generated readings of {@code sensors} sensors (in order per sensor, 1 s apart, the
 * reference model's C=30) through keyBy, the SequenceAssembler, a stand-in for inference (each window
 * becomes a zero H=10 forecast, no model) and the ForecastEvaluator, into a discarding sink.
 * {@code stages=source} runs the same source, timestamps and watermarks into the sink alone: the
 * difference of the two, divided by {@code readings}, is the per-reading cost of assembly +
 * evaluation including the shuffle and serialisation. One invocation = one job (SingleShotTime).
 * Besides the wall time, the trial prints the JVM's CPU time per reading of each job: on a loaded
 * machine that is the figure to compare.
 *
 * <pre>
 * java -cp bench/target/classes:&lt;its classpath&gt; org.openjdk.jmh.Main StateCoreBenchmark   (see docs/job-core.md)
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 7)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g", "--add-opens=java.base/java.util=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED"})
public class StateCoreBenchmark {
    static final int T = 10;
    static final int C = 30;
    static final int H = 10;

    @Param({"300000"})
    public long readings;

    @Param({"1000"})
    public int sensors;

    /** {@code in-order}, {@code event-time}: the assembler's ordering; {@code source}: the job without the stages. */
    @Param({"source", "in-order", "event-time"})
    public String stages;

    private MiniCluster cluster;
    /** CPU time of this JVM per job, in order: on a loaded machine wall time mostly measures the wait for a core. */
    private final List<Long> cpuNanos = new ArrayList<>();

    @Setup(Level.Trial)
    public void startCluster() throws Exception {
        Configuration conf = new Configuration();
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        cluster.start();
    }

    @TearDown(Level.Trial)
    public void stopCluster() throws Exception {
        cluster.close();
        StringBuilder b = new StringBuilder("process CPU per reading (us), per job in order, " + stages + ":");
        for (long n : cpuNanos) b.append(String.format(Locale.ROOT, " %.2f", n / 1e3 / readings));
        System.out.println(b);
    }

    @Benchmark
    public Object job() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        DataStream<Reading> input = env.fromSequence(0, readings - 1).map(new Generate(sensors)).name("generate")
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Reading>forBoundedOutOfOrderness(Duration.ofSeconds(5))
                        .withTimestampAssigner((r, ts) -> r.timestamp));
        if (stages.equals("source")) {
            input.sinkTo(new DiscardingSink<>());
        } else {
            AssemblerConfig steps = AssemblerConfig.count(T, C).withOrdering(
                    stages.equals("event-time") ? AssemblerConfig.Ordering.EVENT_TIME : AssemblerConfig.Ordering.IN_ORDER);
            DataStream<Either<AcceptedStep, WindowForecast>> inferred = input.keyBy(r -> r.sensorId, Types.STRING)
                    .process(new SequenceAssembler(steps)).name("assemble")
                    .flatMap(new ZeroForecast()).returns(Inference.OUTPUT).name("stand-in for inference");
            float[] std = new float[C];
            java.util.Arrays.fill(std, 1f);
            OnlineEvaluation.apply(inferred, EvaluationConfig.of(steps, std)).sinkTo(new DiscardingSink<>());
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long before = os.getProcessCpuTime();
        Object result = cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
        cpuNanos.add(os.getProcessCpuTime() - before);
        return result;
    }

    static final class Generate implements MapFunction<Long, Reading> {
        private static final long serialVersionUID = 1L;
        private final int sensors;

        Generate(int sensors) {
            this.sensors = sensors;
        }

        @Override
        public Reading map(Long i) {
            float[] v = new float[C];
            for (int c = 0; c < C; c++) v[c] = (i % 97) * 0.01f + c;
            return new Reading("sensor-" + (i % sensors), 1_700_000_000_000L + (i / sensors) * 1000L, v);
        }
    }

    /** Passes each step on, followed by a zero forecast of its window, if it has one. */
    static final class ZeroForecast implements FlatMapFunction<AcceptedStep, Either<AcceptedStep, WindowForecast>> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(AcceptedStep s, Collector<Either<AcceptedStep, WindowForecast>> out) {
            out.collect(Either.Left(s));
            Window w = s.window;
            if (w == null) return;
            WindowForecast f = new WindowForecast();
            f.sensorId = w.sensorId;
            f.issuedAt = w.endTime;
            f.modelName = "zero";
            f.modelVersion = "1";
            f.head = "flat";
            f.stepMillis = 1000;
            f.horizon = H;
            f.channels = C;
            f.values = new float[H * C];
            out.collect(Either.Right(f));
        }
    }
}
