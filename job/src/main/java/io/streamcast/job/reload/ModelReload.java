package io.streamcast.job.reload;

import java.io.Serializable;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Hot reload settings: which model of which store to follow, how often to look, and the shape
 * (T, C) every version must have to be served by this job.
 */
public record ModelReload(String store, String name, Duration pollInterval, int awaitLimit, int window, int channels)
        implements Serializable {

    /** Operator uid of the watcher source, stable across versions. */
    public static final String WATCHER_UID = "model-watcher";

    /** The stream of model updates: the watcher, at parallelism 1. */
    public DataStream<ModelUpdate> watch(StreamExecutionEnvironment env) {
        return env.fromSource(new ModelWatcher(new ModelStore(store), name, pollInterval),
                        WatermarkStrategy.noWatermarks(), "model-watcher (" + name + ")")
                .setParallelism(1)
                .uid(WATCHER_UID);
    }

    public BundleValidator validator() {
        return new BundleValidator(window, channels);
    }
}
