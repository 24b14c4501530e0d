package io.streamcast.job.kafka;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationSerializer;
import io.streamcast.job.evaluation.EvaluationSettings;
import io.streamcast.job.ingest.DeadLetter;
import io.streamcast.job.ingest.Ingested;
import io.streamcast.job.ingest.ReadingDeserializer;
import io.streamcast.job.output.DeadLetterSerializer;
import io.streamcast.job.output.ForecastSerializer;
import io.streamcast.job.output.LateReadingSerializer;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The job's Kafka source and sinks, built from the config. Kafka client settings (bootstrap,
 * security.protocol, sasl.*, ssl.*, ...) pass through unchanged to all of them.
 */
public final class KafkaEndpoints {
    private KafkaEndpoints() {
    }

    /** The readings topic as a stream of {@link Ingested}; {@code bounded} stops at the offsets that are latest at start (tests, backfills). */
    public static KafkaSource<Ingested> readings(JobConfig cfg, boolean bounded) {
        cfg.requireBootstrapServers();
        KafkaSourceBuilder<Ingested> b = KafkaSource.<Ingested>builder()
                .setProperties(cfg.kafkaProperties())
                .setTopics(cfg.readingsTopic())
                .setGroupId(cfg.groupId())
                .setStartingOffsets(switch (cfg.startingOffsets()) {
                    case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                })
                .setDeserializer(new ReadingDeserializer(cfg.format(), readSchemas(cfg.avroWriterSchemas())));
        if (bounded) b.setBounded(OffsetsInitializer.latest());
        return b.build();
    }

    /** The sinks of the pipeline (evaluations only when evaluation.enabled). */
    public static Sinks sinks(JobConfig cfg) {
        return new Sinks(
                sink(cfg, "forecasts", new ForecastSerializer(cfg.forecastsTopic())),
                sink(cfg, "dlq", new DeadLetterSerializer(cfg.deadLetterTopic())),
                sink(cfg, "late", new LateReadingSerializer(cfg.lateTopic(), cfg.format())),
                EvaluationSettings.enabled(cfg)
                        ? sink(cfg, "evaluations", new EvaluationSerializer(EvaluationSettings.topic(cfg))) : null);
    }

    /** Where the pipeline writes: forecasts, dead letters, late readings and forecast evaluations. */
    public record Sinks(
            org.apache.flink.api.connector.sink2.Sink<WindowForecast> forecasts,
            org.apache.flink.api.connector.sink2.Sink<DeadLetter> deadLetters,
            org.apache.flink.api.connector.sink2.Sink<Reading> late,
            /* null: no evaluation output */
            org.apache.flink.api.connector.sink2.Sink<EvaluatedForecast> evaluations) {

        public Sinks(org.apache.flink.api.connector.sink2.Sink<WindowForecast> forecasts,
                     org.apache.flink.api.connector.sink2.Sink<DeadLetter> deadLetters,
                     org.apache.flink.api.connector.sink2.Sink<Reading> late) {
            this(forecasts, deadLetters, late, null);
        }
    }

    private static <T> KafkaSink<T> sink(JobConfig cfg, String name, KafkaRecordSerializationSchema<T> serializer) {
        cfg.requireBootstrapServers();
        Properties producer = cfg.kafkaProperties();
        var b = KafkaSink.<T>builder()
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(serializer);
        if (cfg.guarantee() == JobConfig.Guarantee.EXACTLY_ONCE) {
            // The sink's default transaction timeout (1 h) exceeds the broker's default
            // transaction.max.timeout.ms (15 min): the naive setup fails at start.
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-" + name)
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            String.valueOf(cfg.transactionTimeout().toMillis()));
        } else {
            b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }

    /** Reads the .avsc files on the client, so that task managers need not see them. */
    static List<String> readSchemas(List<Path> files) {
        List<String> out = new ArrayList<>();
        for (Path f : files) {
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException e) {
                throw new ConfigException("input.avro.writer-schemas: cannot read " + f + " (" + e.getMessage()
                        + "); fix: list existing .avsc files, comma-separated");
            }
            try {
                new org.apache.avro.Schema.Parser().parse(text);
            } catch (RuntimeException e) {
                throw new ConfigException("input.avro.writer-schemas: " + f + " is not an Avro schema (" + e.getMessage()
                        + "); fix: list .avsc files of SensorReading versions");
            }
            out.add(text);
        }
        return out;
    }
}
