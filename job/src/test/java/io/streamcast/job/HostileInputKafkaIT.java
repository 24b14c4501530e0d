package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.ingest.DeadLetterReason;
import io.streamcast.job.ingest.InputLimits;
import io.streamcast.job.ingest.JunkRecords;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import io.streamcast.models.ForecastModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Future;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fuzz test: {@value #JUNK} junk records of every {@link JunkRecords} kind (random bytes, length
 * bombs, truncations, bit flips, wrong fingerprints, clock bombs, JSON type confusion and nesting,
 * megabyte records, ...) interleaved with valid readings on a real broker, read by the whole job
 * on a MiniCluster at parallelism 2 with the default input limits. The job must never restart,
 * put exactly one dead letter per junk record with the generator's reason (truncated, with the
 * original's size and SHA-256, when large), and forecast every valid window exactly once.
 */
class HostileInputKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static final int JUNK = 10_000;
    static final int SENSORS = 30;
    static final int PER_SENSOR = 12;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path bundle;
    static ForecastModel model;

    @BeforeAll
    static void tinyModel() throws Exception {
        bundle = ForecastPipelineKafkaIT.tinyBundle(dir);
        model = ForecastModel.load(bundle);
    }

    @ParameterizedTest(name = "{0} input")
    @EnumSource(Format.class)
    void junkNeverStopsTheJobAndEveryJunkRecordIsDeadLetteredOnceWithItsReason(Format format) throws Exception {
        Topics topics = Topics.create(KAFKA, "fuzz-" + format.name().toLowerCase(), 3);
        long step = ForecastPipelineKafkaIT.STEP;
        long base = (System.currentTimeMillis() / step) * step - 60_000;
        Random rnd = new Random(format.ordinal());
        Map<String, List<Reading>> bySensor = new LinkedHashMap<>();
        List<Reading> valid = new ArrayList<>();
        for (int i = 0; i < PER_SENSOR; i++) {
            for (int s = 0; s < SENSORS; s++) {
                Reading r = new Reading(String.format("sensor-%03d", s), base + i * step,
                        new float[] {(float) rnd.nextGaussian(), (float) rnd.nextGaussian()});
                bySensor.computeIfAbsent(r.sensorId, k -> new ArrayList<>()).add(r);
                valid.add(r);
            }
        }

        JunkRecords generator = new JunkRecords(format, ForecastPipelineKafkaIT.C, 1234L + format.ordinal());
        Map<String, JunkRecords.Junk> junkAt = new HashMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            List<JunkRecords.Junk> sent = new ArrayList<>();
            int perReading = JUNK / valid.size() + 1;
            for (Reading r : valid) {
                producer.send(new ProducerRecord<>(topics.readings(), r.sensorId.getBytes(StandardCharsets.UTF_8),
                        ReadingEncoder.encode(r, format)));
                for (int k = 0; k < perReading && sent.size() < JUNK; k++) {
                    JunkRecords.Junk j = generator.next();
                    sends.add(producer.send(new ProducerRecord<>(topics.readings(), j.key(), j.value())));
                    sent.add(j);
                    kinds.merge(j.kind(), 1, Integer::sum);
                }
            }
            producer.flush();
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata m = sends.get(i).get();
                junkAt.put(m.partition() + "@" + m.offset(), sent.get(i));
            }
        }
        assertEquals(JUNK, junkAt.size());
        assertEquals(JunkRecords.kinds().size(), kinds.size(), "every kind was sent: " + kinds);

        Map<String, String> settings = topics.settings(KAFKA);
        settings.put("model.bundle", bundle.toString());
        settings.put("input.format", format.name().toLowerCase());
        settings.put("watermark.out-of-orderness", "5s");
        settings.put("checkpoint.interval", "1s");
        JobConfig cfg = JobConfig.of(settings);
        StreamExecutionEnvironment env = KafkaJobTests.environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.modelSpec(bundle)),
                KafkaEndpoints.readings(cfg, true), KafkaEndpoints.sinks(cfg));
        JobExecutionResult result = env.execute("fuzz-" + format);

        assertEquals(0L, restarts(result), "the job never restarted");

        // every valid window forecast exactly once, with the model's values
        Map<String, float[]> windows = KafkaJobTests.windows(bySensor, ForecastPipelineKafkaIT.T, ForecastPipelineKafkaIT.C, t -> t);
        float[][] predicted = model.predict(windows.values().toArray(float[][]::new));
        Map<String, float[]> expected = new LinkedHashMap<>();
        int w = 0;
        for (String id : windows.keySet()) expected.put(id, predicted[w++]);
        assertEquals(SENSORS * (PER_SENSOR - ForecastPipelineKafkaIT.T + 1), expected.size());
        ForecastPipelineKafkaIT.assertForecastsExactlyOnce(expected,
                KAFKA.readAll(topics.forecasts(), false, expected.size(), Duration.ofMinutes(2)));

        // exactly one dead letter per junk record, with its reason; large ones truncated, with size and hash
        List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.readAll(topics.dlq(), false, JUNK, Duration.ofMinutes(3));
        assertEquals(JUNK, dlq.size(), "one dead letter per junk record");
        Map<DeadLetterReason, Integer> perReason = new TreeMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int truncated = 0;
        for (ConsumerRecord<byte[], byte[]> rec : dlq) {
            assertTrue(rec.serializedValueSize() + Math.max(0, rec.serializedKeySize()) < 512 * 1024, "dead letters stay small");
            JsonNode d = JSON.readTree(rec.value());
            JsonNode src = d.get("source");
            JunkRecords.Junk j = junkAt.remove(src.get("partition").asInt() + "@" + src.get("offset").asLong());
            assertNotNull(j, () -> "dead letter of a record that was not junk: " + d);
            assertEquals(j.reason().name(), d.get("reason").asText(), () -> j.kind() + ": " + d.get("detail"));
            if (j.value() == null) {
                assertTrue(d.get("payloadSize").isNull() && d.get("payloadBase64").isNull(), j::kind);
                continue;
            }
            byte[] kept = Base64.getDecoder().decode(d.get("payloadBase64").asText());
            int keep = Integer.parseInt(cfg.string(io.streamcast.job.config.Setting.SIDE_KEEP_BYTES));
            assertArrayEquals(Arrays.copyOf(j.value(), Math.min(keep, j.value().length)), kept, j::kind);
            assertEquals(j.value().length, d.get("payloadSize").asInt(), j::kind);
            assertEquals(HexFormat.of().formatHex(sha.digest(j.value())), d.get("payloadSha256").asText(), j::kind);
            assertEquals(j.value().length > keep, d.get("truncated").asBoolean(), j::kind);
            if (j.value().length > keep) truncated++;
            perReason.merge(j.reason(), 1, Integer::sum);
        }
        assertTrue(junkAt.isEmpty(), () -> junkAt.size() + " junk records without a dead letter, e.g. "
                + junkAt.values().stream().limit(5).map(JunkRecords.Junk::kind).toList());
        assertTrue(truncated > 0, "megabyte records were sent and truncated");
        assertTrue(perReason.get(DeadLetterReason.OVERSIZED) > 0 && perReason.get(DeadLetterReason.TIMESTAMP_AHEAD) > 0, perReason::toString);

        // nothing was dropped on the way to the side topics, and nothing was late
        assertEquals(0L, sum(result, ".sideTopic.dlq.recordsDropped"));
        assertEquals((long) JUNK, sum(result, ".sideTopic.dlq.recordsWritten"));
        assertEquals(0, KAFKA.readAll(topics.late(), false, 0, Duration.ofSeconds(30)).size());
        assertEquals((long) valid.size(), ForecastPipelineKafkaIT.counter(result, ".readingsAccepted"));
        System.out.printf("fuzz %s: %d junk records of %d kinds, %d valid readings; dead letters per reason %s%n",
                format, JUNK, kinds.size(), valid.size(), perReason);
        assertTrue(InputLimits.DEFAULTS.maxRecordBytes() < JunkRecords.NEAR_BROKER_MAX);
    }

    /** The job's restart count (the JobManager's numRestarts gauge). */
    static long restarts(JobExecutionResult result) {
        for (Map.Entry<String, Metric> e : FlinkMiniCluster.METRICS.getMetricsByIdentifiers(result.getJobID()).entrySet()) {
            if (e.getKey().endsWith(".numRestarts") && e.getValue() instanceof Gauge<?> g) return ((Number) g.getValue()).longValue();
        }
        throw new AssertionError("no numRestarts metric for the job");
    }

    static long sum(JobExecutionResult result, String suffix) {
        long sum = 0;
        for (Map.Entry<String, Metric> e : FlinkMiniCluster.METRICS.getMetricsByIdentifiers(result.getJobID()).entrySet()) {
            if (e.getKey().endsWith(suffix) && e.getValue() instanceof org.apache.flink.metrics.Counter c) sum += c.getCount();
        }
        return sum;
    }
}
