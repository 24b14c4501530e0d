package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** The assembler's accepted steps and the forecasts in, scored forecasts out: the evaluation stage of the pipeline. */
public final class OnlineEvaluation {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "evaluate-forecasts";

    private OnlineEvaluation() {
    }

    /**
     * @param steps     the assembler's side output {@code SequenceAssembler.STEPS}: the actuals
     * @param forecasts the inference output
     */
    public static SingleOutputStreamOperator<EvaluatedForecast> apply(DataStream<AcceptedStep> steps,
            DataStream<WindowForecast> forecasts, EvaluationConfig cfg) {
        return steps.keyBy(new StepSensor())
                .connect(forecasts.keyBy(new ForecastSensor()))
                .process(new ForecastEvaluator(cfg), TypeInformation.of(EvaluatedForecast.class))
                .name("evaluate-forecasts").uid(UID);
    }

    static final class StepSensor implements KeySelector<AcceptedStep, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(AcceptedStep s) {
            return s.sensorId;
        }
    }

    static final class ForecastSensor implements KeySelector<WindowForecast, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(WindowForecast f) {
            return f.sensorId;
        }
    }
}
