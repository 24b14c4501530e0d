package io.streamcast.job;

import static io.streamcast.job.ForecastPipelineKafkaIT.config;
import static io.streamcast.job.ForecastPipelineKafkaIT.expectedForecasts;
import static io.streamcast.job.ForecastPipelineKafkaIT.readings;
import static io.streamcast.job.ForecastPipelineKafkaIT.send;
import static io.streamcast.job.ForecastPipelineKafkaIT.topics;
import static io.streamcast.job.testing.KafkaJobTests.await;
import static io.streamcast.job.testing.KafkaJobTests.environment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.avro.Forecast;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.records.Reading;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exactly-once sinks' Kafka transactions on a real broker: pooled transactional ids (a bounded
 * set, whatever the number of checkpoints); a cancelled job aborts its transactions; a transaction
 * left open by a crashed job stalls read_committed consumers only until a job with the same prefix starts.
 */
class KafkaTransactionsIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    @TempDir
    static Path dir;

    /** The pipeline test's tiny model and settings, in this class's directory. */
    @BeforeAll
    static void model() throws Exception {
        ForecastPipelineKafkaIT.dir = dir;
        ForecastPipelineKafkaIT.tinyModel();
    }

    @Test
    void pooledTransactionalIdsStayBoundedOverManyCheckpoints() throws Exception {
        Topics topics = topics("pool");
        String prefix = "pool-" + UUID.randomUUID();
        Map<String, List<Reading>> bySensor = readings(10, 12, base(), 5, 0);
        JobClient job = start(topics, prefix, "200ms");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            send(producer, topics.readings(), bySensor, 0, 12);
            // 30 checkpoints: the default (incrementing) naming would leave >= 30 ids per subtask and sink
            await("30 completed checkpoints", Duration.ofMinutes(3), () -> completedCheckpoints(job) >= 30);
            Map<String, Long> idsPerSink = listTransactions(prefix).stream().collect(Collectors.groupingBy(
                    t -> t.transactionalId().substring(prefix.length() + 1).replaceAll("-.*", ""), Collectors.counting()));
            assertTrue(idsPerSink.containsKey("forecasts"), "forecast sink transactions: " + idsPerSink);
            // per subtask: the transaction being written plus those of checkpoints not yet committed
            idsPerSink.forEach((sink, ids) -> assertTrue(ids <= 3L * FlinkMiniCluster.PARALLELISM,
                    sink + ": " + ids + " transactional ids after " + completedCheckpoints(job) + " checkpoints"));
        } finally {
            job.cancel().get();
        }
    }

    @Test
    void aJobWithTheSamePrefixAbortsTransactionsLeftOpenByACrashedOne() throws Exception {
        Topics topics = topics("cancel");
        String prefix = "cancel-" + UUID.randomUUID();
        int perSensor = 12;
        Map<String, List<Reading>> bySensor = readings(10, perSensor, base(), 7, 0);
        // no checkpoint within the test: everything the first job writes stays in its open transactions
        JobClient first = start(topics, prefix, "10m");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            send(producer, topics.readings(), bySensor, 0, perSensor);
        }
        await("uncommitted forecasts in the topic", Duration.ofMinutes(2), () -> logEnd(topics.forecasts()) > 0);
        String forecastId = listTransactions(prefix).stream().map(TransactionListing::transactionalId)
                .filter(id -> id.startsWith(prefix + "-forecasts-")).findFirst().orElseThrow();
        // a cancel is graceful: the sinks abort their transactions on the way out
        first.cancel().get();
        await("read_committed consumers pass the cancelled job's records", Duration.ofMinutes(1),
                () -> lastStable(topics.forecasts()) >= logEnd(topics.forecasts()));

        // a crashed job (killed process) cannot: its transaction stays open until the timeout (here
        // 14 min) and read_committed consumers stop before it. Same id, a record, no commit or abort.
        leaveOpenTransaction(forecastId, topics.forecasts());
        long stuckAt = logEnd(topics.forecasts());
        assertTrue(lastStable(topics.forecasts()) < stuckAt, "the open transaction stalls read_committed consumers");

        // same prefix, fresh start (nothing to restore): the leftover is aborted at start and the new
        // job's forecasts become visible, each once
        JobClient second = start(topics, prefix, "500ms");
        try {
            await("read_committed consumers pass the leftover transaction", Duration.ofMinutes(2),
                    () -> lastStable(topics.forecasts()) >= stuckAt);
            Set<String> windows = expectedForecasts(bySensor, false).keySet();
            // the watermark (newest - 5 s) and the assembler hold the last readings back: those windows may not be out yet
            Set<String> due = windows.stream().filter(id -> Long.parseLong(id.substring(id.indexOf('@') + 1))
                    < base() + (perSensor - 1 - 2) * ForecastPipelineKafkaIT.STEP - 5_000).collect(Collectors.toSet());
            Map<String, Long> seen = new HashMap<>();
            for (var rec : KAFKA.readAll(topics.forecasts(), true, due.size(), Duration.ofMinutes(2))) {
                Forecast f = Forecast.getDecoder().decode(rec.value());
                seen.merge(f.getSensorId() + "@" + f.getIssuedAt().toEpochMilli(), 1L, Long::sum);
            }
            assertEquals(Map.of(), seen.entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), "duplicated forecasts");
            assertTrue(seen.keySet().containsAll(due), "missing: " + due.stream().filter(id -> !seen.containsKey(id)).toList());
            assertTrue(windows.containsAll(seen.keySet()), "forecasts of no window: " + seen.keySet());
        } finally {
            second.cancel().get();
        }
    }

    /** What a killed TaskManager leaves behind: a transaction with a record, neither committed nor aborted. */
    private static void leaveOpenTransaction(String transactionalId, String topic) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) Duration.ofMinutes(14).toMillis());
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, "left-over".getBytes(StandardCharsets.UTF_8))).get();
        producer.close(Duration.ZERO);
    }

    private static long base;

    /** One base time per run, on the step grid, a minute ago (so timestamps pass validation). */
    private static synchronized long base() {
        if (base == 0) base = (System.currentTimeMillis() / ForecastPipelineKafkaIT.STEP) * ForecastPipelineKafkaIT.STEP - 60_000;
        return base;
    }

    private static JobClient start(Topics topics, String prefix, String checkpointInterval) throws Exception {
        JobConfig cfg = config(topics, Map.of(
                "delivery.guarantee", "exactly-once",
                "delivery.transactional-id-prefix", prefix,
                "delivery.transaction-timeout", "14m",
                "checkpoint.interval", checkpointInterval,
                "watermark.idleness", "0",
                // the watermark-based due-window rule below is event-time ordering's
                "window.ordering", "event-time",
                "evaluation.enabled", "false"));
        StreamExecutionEnvironment env = environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.modelSpec(ForecastPipelineKafkaIT.bundle)),
                KafkaEndpoints.readings(cfg, false), KafkaEndpoints.sinks(cfg));
        JobClient job = env.executeAsync("transactions-" + prefix);
        await("job running", Duration.ofMinutes(2),
                () -> job.getJobStatus().join() == org.apache.flink.api.common.JobStatus.RUNNING);
        return job;
    }

    private static long completedCheckpoints(JobClient job) {
        return FlinkMiniCluster.METRICS.getMetricsByIdentifiers(job.getJobID()).entrySet().stream()
                .filter(e -> e.getKey().endsWith("numberOfCompletedCheckpoints"))
                .mapToLong(e -> ((org.apache.flink.metrics.Gauge<?>) e.getValue()).getValue() instanceof Number n ? n.longValue() : 0)
                .max().orElse(0);
    }

    private static List<TransactionListing> listTransactions(String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            return admin.listTransactions().all().get().stream()
                    .filter(t -> t.transactionalId().startsWith(prefix + "-")).toList();
        }
    }

    /** Sum over partitions of the end offset a consumer at the isolation level sees. */
    private static long endOffsets(String topic, boolean readCommitted) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            return c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static long logEnd(String topic) {
        return endOffsets(topic, false);
    }

    private static long lastStable(String topic) {
        return endOffsets(topic, true);
    }
}
