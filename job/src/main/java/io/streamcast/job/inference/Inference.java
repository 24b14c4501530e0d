package io.streamcast.job.inference;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.reload.ModelReload;
import io.streamcast.job.reload.ModelUpdate;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * The assembler's steps in, the same steps and the forecasts of their windows out: the inference
 * stage of the pipeline, batched or per record. Steps pass through at once (the online evaluator
 * downstream needs them as actuals); a step's window is scored and its forecast follows later (batched)
 * or right after it (per record). Passing the steps through keeps the evaluator a one-input operator
 * in the same chain, so neither steps nor forecasts cross a shuffle to reach it.
 */
public final class Inference {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "inference";
    /** The output of every inference operator: steps passed through (left) and forecasts (right). */
    public static final TypeInformation<Either<AcceptedStep, WindowForecast>> OUTPUT =
            new EitherTypeInfo<>(TypeInformation.of(AcceptedStep.class), TypeInformation.of(WindowForecast.class));

    private Inference() {
    }

    /**
     * Batched inference following the model store: steps connected with the broadcast model
     * updates of the watcher (see {@link ReloadingInferenceOperator}).
     */
    public static SingleOutputStreamOperator<Either<AcceptedStep, WindowForecast>> withReload(DataStream<AcceptedStep> steps,
            DataStream<ModelUpdate> updates, InferenceConfig cfg, ModelReload reload) {
        return steps.connect(updates.broadcast())
                .transform("inference (batched <= " + cfg.maxBatch() + ", model " + reload.name() + " hot reload)",
                        OUTPUT, new ReloadingInferenceOperator(cfg, reload.validator(), reload.awaitLimit()))
                .uid(UID);
    }

    public static SingleOutputStreamOperator<Either<AcceptedStep, WindowForecast>> apply(DataStream<AcceptedStep> steps,
            InferenceConfig cfg) {
        return switch (cfg.mode()) {
            case BATCHED -> steps
                    .transform("inference (batched <= " + cfg.maxBatch() + ")", OUTPUT, new BatchedInferenceOperator(cfg))
                    .uid(UID);
            case PER_RECORD -> steps
                    .flatMap(new PerRecordInference(cfg))
                    .returns(OUTPUT)
                    .name("inference (per record)")
                    .uid(UID);
        };
    }

    /** The forecasts of an inference output, for the forecasts topic. */
    public static final class ForecastsOnly implements FlatMapFunction<Either<AcceptedStep, WindowForecast>, WindowForecast> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Either<AcceptedStep, WindowForecast> e, Collector<WindowForecast> out) {
            if (e.isRight()) out.collect(e.right());
        }
    }
}
