package io.streamcast.job;

import io.streamcast.job.assembly.AssemblerConfig;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.evaluation.EvaluationConfig;
import io.streamcast.job.inference.InferenceConfig;
import io.streamcast.job.reload.ModelReload;
import io.streamcast.job.ingest.ReadingRules;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelSpec;
import io.streamcast.job.config.ConfigException;
import java.io.Serializable;
import java.time.Duration;

/**
 * What {@link ForecastPipeline} needs, derived once from the job config and the model's spec
 * (T, C and the step interval come from the model, not from the user).
 */
public record PipelineSettings(
        ReadingRules rules,
        Duration outOfOrderness,
        Duration idleness,
        /** Flink's buffer timeout on the edge from the source to the assembler. */
        Duration bufferTimeout,
        AssemblerConfig assembler,
        InferenceConfig inference,
        /** Hot reload from a model store, or null: the fixed bundle of {@code inference}. */
        ModelReload reload,
        /** Online evaluation, or null. */
        EvaluationConfig evaluation) implements Serializable {

    /** Settings with online evaluation as configured (evaluation.*), scored on the model's normalised scale. */
    public static PipelineSettings from(JobConfig cfg, Manifest manifest) {
        PipelineSettings s = from(cfg, manifest.spec());
        EvaluationConfig evaluation = !cfg.evaluationEnabled() ? null : new EvaluationConfig(s.assembler,
                manifest.normalizer().std(), cfg.evaluationAllowedLateness(), cfg.evaluationMetricsWindow(), cfg.driftWindow(),
                cfg.driftThreshold());
        return new PipelineSettings(s.rules, s.outOfOrderness, s.idleness, s.bufferTimeout, s.assembler, s.inference, s.reload, evaluation);
    }

    public static PipelineSettings from(JobConfig cfg, ModelSpec spec) {
        int channels = spec.channelCount();
        if (channels > cfg.maxChannels()) {
            throw new ConfigException("the model has " + channels + " channels, more than input.max-channels=" + cfg.maxChannels()
                    + ": every reading would be dead-lettered; fix: raise input.max-channels to at least " + channels);
        }
        AssemblerConfig assembler;
        if (cfg.windowMode() == AssemblerConfig.Mode.COUNT) {
            assembler = AssemblerConfig.count(spec.window(), channels);
        } else {
            long step = cfg.windowStep() != null ? cfg.windowStep().toMillis() : spec.stepMillis();
            if (step <= 0) {
                throw new ConfigException("window.mode=fixed-step needs a step interval and the model has none; fix: set window.step (e.g. 1h)");
            }
            assembler = AssemblerConfig.fixedStep(spec.window(), channels, step)
                    .withResample(cfg.resample())
                    .withMaxGapSteps(cfg.maxGapSteps());
        }
        assembler = assembler.withStride(cfg.stride()).withStateTtl(cfg.stateTtl()).withOrdering(cfg.windowOrdering());
        InferenceConfig inference = new InferenceConfig(cfg.modelBundle(), cfg.inferenceMode(), cfg.batchSize(),
                cfg.flushTimeout().toMillis(), cfg.intervalCoverage());
        ModelReload reload = cfg.modelStore().isEmpty() ? null : new ModelReload(cfg.modelStore(), cfg.modelName(),
                cfg.modelPollInterval(), cfg.modelAwaitLimit(), spec.window(), spec.channelCount());
        return new PipelineSettings(new ReadingRules(channels, cfg.maxTimestampSkew().toMillis(), cfg.maxAhead().toMillis()),
                cfg.outOfOrderness(), cfg.idleness(), cfg.bufferTimeout(), assembler, inference, reload, null);
    }
}
