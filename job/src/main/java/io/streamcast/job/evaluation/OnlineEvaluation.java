package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.types.Either;

/** The assembler's accepted steps and the forecasts in, scored forecasts out: the evaluation stage of the pipeline. */
public final class OnlineEvaluation {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "evaluate-forecasts";

    private OnlineEvaluation() {
    }

    /**
     * @param inferred inference's output, straight from it: the steps (the actuals) and the forecasts,
     *                 still partitioned by sensor as the assembler's input was keyed, so no shuffle is
     *                 needed and the evaluator runs in the same chain
     */
    public static SingleOutputStreamOperator<EvaluatedForecast> apply(DataStream<Either<AcceptedStep, WindowForecast>> inferred,
            EvaluationConfig cfg) {
        return DataStreamUtils.reinterpretAsKeyedStream(inferred, new BySensor())
                .process(new ForecastEvaluator(cfg), TypeInformation.of(EvaluatedForecast.class))
                .name("evaluate-forecasts").uid(UID);
    }

    /** The sensor of a step or a forecast: the same key the assembler's input was partitioned by. */
    static final class BySensor implements KeySelector<Either<AcceptedStep, WindowForecast>, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Either<AcceptedStep, WindowForecast> e) {
            return e.isLeft() ? e.left().sensorId : e.right().sensorId;
        }
    }
}
