package io.streamcast.job.reload;

import io.streamcast.job.config.JobConfig;
import io.streamcast.models.BundleException;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelSpec;
import io.streamcast.job.config.ConfigException;
import java.io.IOException;
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

    /** The reload settings of a job config, or null when it serves a fixed model.bundle. */
    public static ModelReload from(JobConfig cfg, ModelSpec spec) {
        if (cfg.modelStore().isEmpty()) return null;
        return new ModelReload(cfg.modelStore(), cfg.modelName(), cfg.modelPollInterval(), cfg.modelAwaitLimit(),
                spec.window(), spec.channelCount());
    }

    /**
     * The spec of the version LATEST points at, read on the client when the job is built: the
     * pipeline takes T, C and the step from it, and later versions must keep T and C.
     */
    public static ModelSpec latestSpec(JobConfig cfg) {
        return latestManifest(cfg).spec();
    }

    /** The manifest of the version LATEST points at (spec and normaliser), read through Flink's FileSystem. */
    public static Manifest latestManifest(JobConfig cfg) {
        FlinkFileSystemModelStore store = new FlinkFileSystemModelStore(cfg.modelStore());
        String name = cfg.modelName();
        try {
            String version = store.latest(name);
            if (version == null) {
                throw new ConfigException("model store " + cfg.modelStore() + " has no model '" + name
                        + "' (no LATEST); the job takes its window and channels from it; fix: streamcast publish DIR --store "
                        + cfg.modelStore() + " --name " + name);
            }
            return FlinkFileSystemModelStore.readManifest(store.bundle(name, version));
        } catch (IOException | BundleException e) {
            throw new ConfigException("model store " + cfg.modelStore() + ": cannot read model '" + name + "': " + e.getMessage()
                    + "; fix: check model.store and model.name");
        }
    }

    /** The stream of model updates: the watcher, at parallelism 1. */
    public DataStream<ModelUpdate> watch(StreamExecutionEnvironment env) {
        return env.fromSource(new ModelWatcher(new FlinkFileSystemModelStore(store), name, pollInterval),
                        WatermarkStrategy.noWatermarks(), "model-watcher (" + name + ")")
                .setParallelism(1)
                .uid(WATCHER_UID);
    }

    public BundleValidator validator() {
        return new BundleValidator(window, channels);
    }
}
