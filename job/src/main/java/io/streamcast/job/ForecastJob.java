package io.streamcast.job;

import io.streamcast.job.config.JobArgs;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.ingest.ValidateReadings;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.reload.ModelStore;
import io.streamcast.job.kafka.KafkaPreflight;
import io.streamcast.models.BundleException;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.job.config.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the job jar on a Flink cluster: {@code [--config FILE] [key=value ...]}.
 * {@code ./streamcast job} runs the same {@link #build} in a local MiniCluster.
 */
public final class ForecastJob {
    private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);

    private ForecastJob() {
    }

    public static void main(String[] args) throws Exception {
        JobConfig cfg = JobArgs.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        build(env, cfg);
        env.execute(cfg.jobName());
    }

    /** Configures {@code env} and defines the pipeline against the configured Kafka topics. */
    public static void build(StreamExecutionEnvironment env, JobConfig cfg) {
        LOG.info("streamcast job settings (secrets masked):\n{}", cfg.describe());
        if (cfg.maxAhead().isZero()) LOG.warn(ValidateReadings.AHEAD_OFF);
        cfg.requireBootstrapServers();
        Manifest manifest = manifest(cfg);
        KafkaPreflight.check(cfg, Duration.ofSeconds(15));
        configure(env, cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, manifest),
                KafkaEndpoints.readings(cfg, false), KafkaEndpoints.sinks(cfg));
    }

    /**
     * The manifest the pipeline is built for: model.bundle's, or that of the version LATEST points at
     * in model.store (the pipeline takes T, C and the step from it; later versions must keep T and C).
     */
    public static Manifest manifest(JobConfig cfg) {
        return cfg.modelStore().isEmpty() ? manifest(cfg.requireModelBundle()) : latestManifest(cfg);
    }

    private static Manifest latestManifest(JobConfig cfg) {
        ModelStore store = new ModelStore(cfg.modelStore());
        String name = cfg.modelName();
        try {
            String version = store.latest(name);
            if (version == null) {
                throw new ConfigException("model store " + cfg.modelStore() + " has no model '" + name
                        + "' (no LATEST); the job takes its window and channels from it; fix: streamcast publish DIR --store "
                        + cfg.modelStore() + " --name " + name);
            }
            return ModelStore.readManifest(store.bundle(name, version));
        } catch (java.io.IOException | BundleException e) {
            throw new ConfigException("model store " + cfg.modelStore() + ": cannot read model '" + name + "': " + e.getMessage()
                    + "; fix: check model.store and model.name");
        }
    }

    /**
     * Parallelism, max parallelism, the watermark interval, checkpointing and (when set) the state
     * backend from the config; the restart strategy and the checkpoint/savepoint directories stay
     * the cluster's.
     */
    public static void configure(StreamExecutionEnvironment env, JobConfig cfg) {
        if (cfg.parallelism() > 0) env.setParallelism(cfg.parallelism());
        // set explicitly: derived from the first parallelism, it would silently cap later rescales
        env.setMaxParallelism(cfg.maxParallelism());
        env.getConfig().setAutoWatermarkInterval(cfg.watermarkInterval().toMillis());
        if (cfg.stateBackend() != null) {
            Configuration backend = new Configuration();
            backend.set(StateBackendOptions.STATE_BACKEND, cfg.stateBackend().name().toLowerCase(Locale.ROOT));
            backend.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, cfg.incrementalCheckpoints());
            env.configure(backend);
        }
        if (!cfg.checkpointInterval().isZero()) {
            env.enableCheckpointing(cfg.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
    }

    /**
     * The model's shape decides T, C and the step: read once here, on the client, from the manifest
     * (checksum verified, so a bad bundle fails the submission rather than every task; no ND4J
     * needed here). The tasks load and fully verify the network in open().
     */
    static ModelSpec modelSpec(Path bundle) {
        return manifest(bundle).spec();
    }

    /** The bundle's manifest (spec and normaliser), checksum verified; see {@link #modelSpec}. */
    static Manifest manifest(Path bundle) {
        try {
            Manifest manifest = ModelBundle.readManifest(bundle);
            ModelBundle.verifyChecksum(bundle, manifest);
            LOG.info("model {} version {}: {}", manifest.name(), manifest.version(), manifest.spec());
            return manifest;
        } catch (BundleException e) {
            throw new ConfigException("model.bundle " + bundle + " cannot be used: " + e.getMessage()
                    + "; fix: point model.bundle at a bundle written by 'streamcast train' or 'publish'");
        }
    }
}
