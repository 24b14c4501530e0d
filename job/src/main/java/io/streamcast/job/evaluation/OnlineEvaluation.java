package io.streamcast.job.evaluation;

import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Readings and forecasts in, scored forecasts out: the evaluation stage of the pipeline. */
public final class OnlineEvaluation {
    /** Operator uid, stable across versions so savepoints keep mapping. */
    public static final String UID = "evaluate-forecasts";

    private OnlineEvaluation() {
    }

    /**
     * @param readings  the validated readings (the same stream the assembler reads)
     * @param forecasts the inference output
     */
    public static SingleOutputStreamOperator<EvaluatedForecast> apply(DataStream<Reading> readings,
            DataStream<WindowForecast> forecasts, EvaluationConfig cfg) {
        return readings.keyBy(new ReadingSensor())
                .connect(forecasts.keyBy(new ForecastSensor()))
                .process(new ForecastEvaluator(cfg), TypeInformation.of(EvaluatedForecast.class))
                .name("evaluate-forecasts").uid(UID);
    }

    static final class ReadingSensor implements KeySelector<Reading, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Reading r) {
            return r.sensorId;
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
