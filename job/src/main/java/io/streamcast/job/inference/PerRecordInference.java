package io.streamcast.job.inference;

import io.streamcast.job.records.Window;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.List;

/**
 * The classic pattern: a rich map function holding the network, one predict call per window.
 * Kept as the baseline the benchmarks compare batching against.
 */
public class PerRecordInference extends RichMapFunction<Window, WindowForecast> {
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
    public WindowForecast map(Window window) {
        long start = System.nanoTime();
        WindowForecast forecast = model.forecast(List.of(window), System.currentTimeMillis())[0];
        inferenceMicros.update((System.nanoTime() - start) / 1_000);
        windowsScored.inc();
        return forecast;
    }

    @Override
    public void close() {
        model.close();
    }
}
