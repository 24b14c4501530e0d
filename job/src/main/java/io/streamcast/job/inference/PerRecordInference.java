package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

import java.util.List;

/**
 * The classic pattern: a rich function holding the network, one predict call per window. Kept as the
 * baseline the benchmarks compare batching against. Each step passes through, followed by the
 * forecast of its window, if it has one (see {@link Inference}).
 */
public class PerRecordInference extends RichFlatMapFunction<AcceptedStep, Either<AcceptedStep, WindowForecast>> {
    private static final long serialVersionUID = 1L;

    private final ModelHolder model;

    private transient Counter windowsScored;
    private transient Histogram inferenceMicros;

    public PerRecordInference(InferenceConfig cfg) {
        this(cfg.holder(cfg.bundlePath()));
    }

    public PerRecordInference(ModelHolder model) {
        this.model = model;
    }

    @Override
    public void open(OpenContext openContext) throws Exception {
        model.open();
        var metrics = getRuntimeContext().getMetricGroup();
        windowsScored = metrics.counter("windowsScored");
        inferenceMicros = metrics.histogram("inferenceLatencyMicros", new DescriptiveStatisticsHistogram(1000));
    }

    @Override
    public void flatMap(AcceptedStep step, Collector<Either<AcceptedStep, WindowForecast>> out) {
        out.collect(Either.Left(step));
        if (step.window == null) return;
        long start = System.nanoTime();
        WindowForecast forecast = model.forecast(List.of(step.window), System.currentTimeMillis())[0];
        inferenceMicros.update((System.nanoTime() - start) / 1_000);
        windowsScored.inc();
        out.collect(Either.Right(forecast));
    }

    @Override
    public void close() {
        model.close();
    }
}
