package io.streamcast.job.kafka;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationSerializer;
import io.streamcast.job.ingest.DeadLetter;
import io.streamcast.job.ingest.Ingested;
import io.streamcast.job.ingest.InputLimits;
import io.streamcast.job.ingest.ReadingDeserializer;
import io.streamcast.job.output.DeadLetterSerializer;
import io.streamcast.job.output.ForecastSerializer;
import io.streamcast.job.output.LateReadingSerializer;
import io.streamcast.job.output.SideTopicSink;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

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
                .setProperties(sourceConsumer(cfg))
                .setTopics(cfg.readingsTopic())
                .setGroupId(cfg.groupId())
                .setStartingOffsets(switch (cfg.startingOffsets()) {
                    case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    case EARLIEST -> OffsetsInitializer.earliest();
                    case LATEST -> OffsetsInitializer.latest();
                })
                .setDeserializer(new ReadingDeserializer(cfg.format(), readSchemas(cfg.avroWriterSchemas()), InputLimits.from(cfg)));
        if (bounded) b.setBounded(OffsetsInitializer.latest());
        return b.build();
    }

    /**
     * The sinks of the pipeline (evaluations only when evaluation.enabled). Forecasts and evaluations
     * go through Flink's KafkaSink (at-least-once or exactly-once); the side topics through a
     * {@link SideTopicSink}, which never fails the job.
     */
    public static Sinks sinks(JobConfig cfg) {
        cfg.requireBootstrapServers();
        Properties producer = cfg.kafkaProperties();
        int maxRequest = SideTopicSink.maxRequestSize(producer);
        if (DeadLetterSerializer.maxSize(cfg.sideKeepBytes()) > maxRequest) {
            throw new ConfigException("dlq.keep-bytes=" + cfg.sideKeepBytes() + " makes dead letters of up to "
                    + DeadLetterSerializer.maxSize(cfg.sideKeepBytes()) + " bytes, over the producer's max.request.size ("
                    + maxRequest + "); fix: lower dlq.keep-bytes or raise kafka.max.request.size");
        }
        return new Sinks(
                sink(cfg, "forecasts", cfg.forecastsTopic(), new ForecastSerializer(cfg.forecastsTopic()), FORECASTS_LINGER_MS),
                new SideTopicSink<>("dlq", producer, new DeadLetterSerializer(cfg.deadLetterTopic(), cfg.sideKeepBytes())),
                new SideTopicSink<>("late", producer, new LateReadingSerializer(cfg.lateTopic(), cfg.format())),
                cfg.evaluationEnabled()
                        ? sink(cfg, "evaluations", cfg.evaluationsTopic(),
                                new EvaluationSerializer(cfg.evaluationsTopic()), EVALUATIONS_LINGER_MS) : null);
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

    /**
     * Bytes the broker gathers before it answers a fetch, unless {@link #SOURCE_FETCH_MAX_WAIT_MS}
     * passes first. Kafka's default (1 byte) answers every fetch at once: at a few thousand readings/s
     * the source's fetcher thread then spends most of its time on round trips of a few records, not
     * on the records (BENCHMARKS.md, 3 Dec).
     */
    static final int SOURCE_FETCH_MIN_BYTES = 64 * 1024;
    /** The most a reading waits at the broker for {@link #SOURCE_FETCH_MIN_BYTES}: readings are on the latency path. */
    static final int SOURCE_FETCH_MAX_WAIT_MS = 5;

    /** The source's consumer settings: the user's Kafka settings, and fuller fetches where they set none. */
    static Properties sourceConsumer(JobConfig cfg) {
        Properties consumer = cfg.kafkaProperties();
        consumer.putIfAbsent(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(SOURCE_FETCH_MIN_BYTES));
        consumer.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(SOURCE_FETCH_MAX_WAIT_MS));
        return consumer;
    }

    /** Kafka's own default: forecasts are on the latency path. */
    static final int FORECASTS_LINGER_MS = 5;
    /** Evaluations wait H steps for their actuals anyway: fewer, fuller produce requests. */
    static final int EVALUATIONS_LINGER_MS = 100;
    /**
     * Bytes per partition batch: a forecast of R is ~1.5 KB, so Kafka's 16 KB default sends a
     * request every ~10 records at high rates, and each request costs the producer's I/O thread
     * about as much as encoding many records.
     */
    static final int SINK_BATCH_BYTES = 256 * 1024;

    /** The sink's producer settings: the user's Kafka settings, and batching defaults where they set none. */
    static Properties sinkProducer(JobConfig cfg, int lingerMs) {
        Properties producer = cfg.kafkaProperties();
        producer.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, String.valueOf(lingerMs));
        producer.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(SINK_BATCH_BYTES));
        return producer;
    }

    private static <T> KafkaSink<T> sink(JobConfig cfg, String name, String topic,
            KafkaRecordSerializationSchema<T> serializer, int lingerMs) {
        cfg.requireBootstrapServers();
        Properties producer = sinkProducer(cfg, lingerMs);
        var b = KafkaSink.<T>builder()
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new TopicSerializer<>(serializer, topic));
        if (cfg.guarantee() == JobConfig.Guarantee.EXACTLY_ONCE) {
            // The sink's default transaction timeout (1 h) exceeds the broker's default
            // transaction.max.timeout.ms (15 min): the naive setup fails at start.
            // POOLING reuses a small set of transactional ids (the default makes one per checkpoint,
            // each kept by the broker for days) and, at start, aborts every open transaction of this
            // prefix that the restored state does not own, so a cancelled job's leftovers never stall
            // read_committed consumers of a resubmitted job.
            b.setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                    .setTransactionalIdPrefix(cfg.transactionalIdPrefix() + "-" + name)
                    .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                            String.valueOf(cfg.transactionTimeout().toMillis()));
        } else {
            b.setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE);
        }
        return b.build();
    }

    /** A serializer that names its topic: pooled transactional ids need it to find a sink's transactions. */
    private record TopicSerializer<T>(KafkaRecordSerializationSchema<T> serializer, String topic)
            implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
        @Override
        public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) throws Exception {
            serializer.open(context, sinkContext);
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            return serializer.serialize(element, context, timestamp);
        }

        @Override
        public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
            return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
        }
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
