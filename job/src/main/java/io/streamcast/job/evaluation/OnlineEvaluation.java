package io.streamcast.job.evaluation;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** The assembler's accepted steps and the forecasts in, scored forecasts out: the evaluation stage of the pipeline. */
public final class OnlineEvaluation {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "evaluate-forecasts";
    /** The stateless map in front of the evaluator's forecast input. */
    public static final String SLIM_UID = "forecasts-to-evaluate";

    private OnlineEvaluation() {
    }

    /**
     * @param steps     the assembler's side output {@code SequenceAssembler.STEPS}: the actuals
     * @param forecasts the inference output
     */
    public static SingleOutputStreamOperator<EvaluatedForecast> apply(DataStream<AcceptedStep> steps,
            DataStream<WindowForecast> forecasts, EvaluationConfig cfg) {
        DataStream<WindowForecast> scored = forecasts.map(new WithoutNames()).name("forecasts to evaluate").uid(SLIM_UID);
        return steps.keyBy(new StepSensor())
                .connect(scored.keyBy(new ForecastSensor()))
                .process(new ForecastEvaluator(cfg), TypeInformation.of(EvaluatedForecast.class))
                .name("evaluate-forecasts").uid(UID);
    }

    /**
     * The forecast as the evaluator needs it: the same arrays, without the names of its channels and
     * head, which the shuffle would otherwise write and read (30 strings per forecast of R) for
     * every forecast. Channels are matched by {@code targetIndex}.
     */
    static final class WithoutNames implements MapFunction<WindowForecast, WindowForecast> {
        private static final long serialVersionUID = 1L;

        @Override
        public WindowForecast map(WindowForecast f) {
            return f.withoutNames();
        }
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
