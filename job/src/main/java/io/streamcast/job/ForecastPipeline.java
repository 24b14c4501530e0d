package io.streamcast.job;

import io.streamcast.job.assembly.AcceptedStep;
import io.streamcast.job.assembly.SequenceAssembler;
import io.streamcast.job.evaluation.OnlineEvaluation;
import io.streamcast.job.inference.Inference;
import io.streamcast.job.ingest.Ingested;
import io.streamcast.job.ingest.ReadingTimestamps;
import io.streamcast.job.ingest.ValidReadingsOnly;
import io.streamcast.job.ingest.ValidateReadings;
import io.streamcast.job.kafka.KafkaEndpoints.Sinks;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.reload.ModelReload;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.types.Either;

/**
 * The whole job in one place:
 * <pre>
 * readings (Kafka) -> watermarks -> validate ----------------------> dead letters (Kafka)
 *                                      |
 *                          keyBy(sensorId) -> SequenceAssembler ---> late readings (Kafka)
 *                                               | steps, with the windows they completed
 *                                           Inference --(forecasts)--> forecasts (Kafka, Avro)
 *                 (broadcast, only with model.store: hot reload) ^   |
 *                                   model store -> ModelWatcher      | steps + forecasts
 *                                                                ForecastEvaluator -> evaluations (Kafka, Avro)
 * </pre>
 * The only shuffle is the keyBy: the assembler, inference (unless hot reload makes it a two-input
 * operator, the head of its own chain), the evaluator and the sinks behind them run chained, on the
 * partitioning by sensor the keyBy made. Sources and sinks are parameters, so that tests run the
 * same graph against what they choose.
 */
public final class ForecastPipeline {
    private ForecastPipeline() {
    }

    public static void define(StreamExecutionEnvironment env, PipelineSettings settings,
                              Source<Ingested, ?, ?> readingsSource, Sinks sinks) {
        define(env, settings, readingsSource, sinks, UnaryOperator.identity());
    }

    /** @param beforeSink a hook on the forecasts just before the sink (tests inject failures here) */
    static void define(StreamExecutionEnvironment env, PipelineSettings settings, Source<Ingested, ?, ?> readingsSource,
                       Sinks sinks, UnaryOperator<DataStream<WindowForecast>> beforeSink) {
        // no operator of this graph changes a record it received, or one it emitted afterwards, and
        // every one that keeps a record keeps one made for it (a new Window, a deserialized forecast),
        // so chained operators can hand records over without Flink's deep copy of each
        env.getConfig().enableObjectReuse();
        DataStream<Ingested> records = env.fromSource(readingsSource, watermarks(settings), "sensor-readings")
                .uid("readings-source");

        SingleOutputStreamOperator<Reading> readings = records
                .process(new ValidateReadings(settings.rules())).name("validate").uid("validate")
                // the shuffle to the assembler is on every forecast's path: Flink's default (100 ms)
                // would let a half-full buffer hold readings that long at moderate rates
                .setBufferTimeout(settings.bufferTimeout().toMillis());
        readings.getSideOutput(ValidateReadings.DEAD_LETTERS)
                .sinkTo(sinks.deadLetters()).name("dead-letters").uid("dead-letters-sink");

        SingleOutputStreamOperator<AcceptedStep> steps = readings
                .keyBy(new BySensor())
                .process(new SequenceAssembler(settings.assembler())).name("assemble-windows").uid("assemble-windows")
                // with hot reload, inference heads its own chain: the steps cross a network edge to reach it
                .setBufferTimeout(settings.bufferTimeout().toMillis());
        steps.getSideOutput(SequenceAssembler.LATE)
                .sinkTo(sinks.late()).name("late-readings").uid("late-readings-sink");

        ModelReload reload = settings.reload();
        DataStream<Either<AcceptedStep, WindowForecast>> inferred = reload == null
                ? Inference.apply(steps, settings.inference())
                : Inference.withReload(steps, reload.watch(env), settings.inference(), reload);
        DataStream<WindowForecast> forecasts = inferred
                .flatMap(new Inference.ForecastsOnly()).name("forecasts only").uid("forecasts-only");
        beforeSink.apply(forecasts).sinkTo(sinks.forecasts()).name("forecasts").uid("forecasts-sink");

        if (settings.evaluation() != null && sinks.evaluations() != null) {
            OnlineEvaluation.apply(inferred, settings.evaluation())
                    .sinkTo(sinks.evaluations()).name("forecast-evaluations").uid("evaluations-sink");
        }
    }

    /**
     * Watermarks per Kafka partition, at the source: bounded out-of-orderness, and idleness so a
     * quiet partition does not stall event time. Records that will be dead-lettered never reach the
     * generator: they neither move a watermark nor keep a partition from going idle.
     */
    static WatermarkStrategy<Ingested> watermarks(PipelineSettings s) {
        WatermarkStrategy<Ingested> w = WatermarkStrategy.forBoundedOutOfOrderness(s.outOfOrderness());
        WatermarkStrategy<Ingested> inner = s.idleness().isZero() ? w : w.withIdleness(s.idleness());
        WatermarkStrategy<Ingested> valid = ctx -> new ValidReadingsOnly(inner.createWatermarkGenerator(ctx));
        return valid.withTimestampAssigner(new ReadingTimestamps(s.rules()));
    }

    /** Readings are keyed by sensor: one window state per sensor. */
    static final class BySensor implements KeySelector<Reading, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public String getKey(Reading r) {
            return r.sensorId;
        }
    }
}
