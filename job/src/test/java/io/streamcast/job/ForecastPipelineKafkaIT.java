package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.streamcast.job.testing.KafkaJobTests.await;
import static io.streamcast.job.testing.KafkaJobTests.environment;
import static io.streamcast.job.testing.KafkaJobTests.values;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.avro.Forecast;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.ingest.DeadLetterReason;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.ModelBundle;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole job against a real Kafka broker (KRaft) and a real Flink MiniCluster at parallelism 2:
 * readings in (Avro or JSON, out of order, with malformed records mixed in), forecasts, dead
 * letters and late readings out. Expected forecasts are computed here, independently of the job:
 * windows from the time-ordered readings, values from {@code ForecastModel.predict}.
 */
class ForecastPipelineKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static final int T = 4;
    static final int C = 2;
    static final int H = 3;
    static final int PARTITIONS = 3;
    static final long STEP = 1000;
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path bundle;
    static ForecastModel model;

    @BeforeAll
    static void tinyModel() throws Exception {
        bundle = tinyBundle(dir);
        model = ForecastModel.load(bundle);
    }

    /** The tests' model "tiny" (T, C, H, STEP above; random weights, seed 11) in {@code dir}/tiny. */
    static Path tinyBundle(Path dir) throws Exception {
        Path b = dir.resolve("tiny");
        ModelSpec spec = new ModelSpec(T, List.of("load", "temp"), H, Head.FLAT, PerStepTarget.NEXT, 8, 1, "tanh", STEP);
        ModelBundle.createRandom(b, "tiny", spec, Normalizer.identity(C), 11L);
        return b;
    }

    // ---------------------------------------------------------------- every forecast, exactly once

    /**
     * Avro with the default batched inference, JSON with the per-record baseline, and fixed-step
     * windows (readings on the step grid, so the windows equal count mode's): all must give the
     * model's own values.
     */
    @ParameterizedTest(name = "{0} input, {1} inference, {2} windows")
    @CsvSource({"AVRO, batched, count", "JSON, per-record, count", "JSON, batched, fixed-step"})
    void everyForecastOnceWithTheModelsValuesAndEveryBadRecordInTheDlq(Format format, String inferenceMode, String windowMode)
            throws Exception {
        Topics topics = topics("run-" + format.name().toLowerCase() + "-" + windowMode);
        int sensors = 50;
        int perSensor = 12;
        long base = (System.currentTimeMillis() / STEP) * STEP - 60_000;
        boolean fixedStep = windowMode.equals("fixed-step");
        // fixed-step: readings anywhere inside their step; a window's issuedAt is then the step's start
        Map<String, List<Reading>> bySensor = readings(sensors, perSensor, base, 1, fixedStep ? 900 : 0);

        List<BadRecord> bad = badRecords(format, base);
        Map<String, BadRecord> badAt = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            List<Future<RecordMetadata>> badSends = new ArrayList<>();
            List<Reading> arrival = outOfOrder(bySensor, new Random(3));
            int b = 0;
            for (int i = 0; i < arrival.size(); i++) {
                Reading r = arrival.get(i);
                byte[] value = format == Format.JSON && i % 3 == 0 ? isoJson(r) : ReadingEncoder.encode(r, format);
                producer.send(new ProducerRecord<>(topics.readings(), key(r.sensorId), value));
                if (i % 40 == 7 && b < bad.size()) { // bad records between good ones
                    BadRecord x = bad.get(b++);
                    badSends.add(producer.send(new ProducerRecord<>(topics.readings(), key(x.key), x.value)));
                }
            }
            while (b < bad.size()) {
                BadRecord x = bad.get(b++);
                badSends.add(producer.send(new ProducerRecord<>(topics.readings(), key(x.key), x.value)));
            }
            producer.flush();
            for (int i = 0; i < bad.size(); i++) {
                RecordMetadata m = badSends.get(i).get();
                badAt.put(m.partition() + "@" + m.offset(), bad.get(i));
            }
        }

        // event-time ordering: the readings are out of order per sensor, within the watermark bound
        JobConfig cfg = config(topics, Map.of("input.format", format.name().toLowerCase(), "checkpoint.interval", "1s",
                "inference.mode", inferenceMode, "window.mode", windowMode, "window.ordering", "event-time"));
        StreamExecutionEnvironment env = environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.modelSpec(bundle)),
                KafkaEndpoints.readings(cfg, true), KafkaEndpoints.sinks(cfg));
        JobExecutionResult result = env.execute("pipeline-" + format);

        // forecasts: count, keys, issuedAt and values
        Map<String, float[]> expected = expectedForecasts(bySensor, fixedStep);
        assertEquals(sensors * (perSensor - T + 1), expected.size());
        List<ConsumerRecord<byte[], byte[]>> out = KAFKA.readAll(topics.forecasts(), false, expected.size(), Duration.ofMinutes(2));
        assertForecastsExactlyOnce(expected, out);

        // dead letters: each bad record once, with its reason, original bytes and origin
        List<ConsumerRecord<byte[], byte[]>> dlq = KAFKA.readAll(topics.dlq(), false, bad.size(), Duration.ofMinutes(1));
        assertEquals(bad.size(), dlq.size(), "one dead letter per bad record");
        Set<DeadLetterReason> reasons = EnumSet.noneOf(DeadLetterReason.class);
        Map<DeadLetterReason, Integer> perReason = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : dlq) {
            JsonNode d = JSON.readTree(rec.value());
            JsonNode src = d.get("source");
            assertEquals(topics.readings(), src.get("topic").asText());
            BadRecord x = badAt.remove(src.get("partition").asInt() + "@" + src.get("offset").asLong());
            assertNotNull(x, "dead letter of a record that was not bad: " + d);
            assertEquals(x.reason.name(), d.get("reason").asText(), () -> x.what + ": " + d);
            assertTrue(d.get("detail").asText().length() > 5, d::toString);
            byte[] payload = d.get("payloadBase64").isNull() ? null : Base64.getDecoder().decode(d.get("payloadBase64").asText());
            assertArrayEquals(x.value, payload, x.what);
            String expectedKey = x.sensorId != null && !x.sensorId.isEmpty() ? x.sensorId : x.key;
            assertEquals(expectedKey, rec.key() == null ? null : new String(rec.key(), StandardCharsets.UTF_8), x.what);
            reasons.add(x.reason);
            perReason.merge(x.reason, 1, Integer::sum);
        }
        assertTrue(badAt.isEmpty(), "bad records without a dead letter: " + badAt.values());
        int minReasons = format == Format.JSON ? 9 : 7;
        assertTrue(reasons.size() >= minReasons, "reasons covered: " + reasons);

        // per-reason metrics, summed over the two validator subtasks
        for (DeadLetterReason r : DeadLetterReason.values()) {
            assertEquals(perReason.getOrDefault(r, 0).longValue(), counter(result, ".deadLetters.reason." + r.name() + ".records"),
                    "metric for " + r);
        }
        assertEquals(sensors * perSensor, counter(result, ".readingsAccepted"));

        // nothing was late: every disorder was within the watermark bound
        assertEquals(0, KAFKA.readAll(topics.late(), false, 0, Duration.ofSeconds(30)).size());
    }

    // ---------------------------------------------------------------- exactly-once across a failure

    @Test
    void exactlyOnceAcrossAnInjectedFailureAndRestartFromACheckpoint() throws Exception {
        Topics topics = topics("eos");
        int sensors = 20;
        int perSensor = 20;
        int firstPhase = 12; // its watermark (newest - 5 s) lets windows ending at steps 3..6 out
        long base = (System.currentTimeMillis() / STEP) * STEP - 60_000;
        Map<String, List<Reading>> bySensor = readings(sensors, perSensor, base, 2, 0);
        FailOnceAfterCheckpoint.reset();

        JobConfig cfg = config(topics, Map.of(
                "delivery.guarantee", "exactly-once",
                "delivery.transactional-id-prefix", "eos-" + UUID.randomUUID(),
                "delivery.transaction-timeout", "2m",
                "checkpoint.interval", "500ms",
                "watermark.idleness", "0",
                "window.ordering", "event-time", // send() disorders each sensor's readings within the bound
                "input.format", "avro"));
        StreamExecutionEnvironment env = environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.modelSpec(bundle)),
                KafkaEndpoints.readings(cfg, false), KafkaEndpoints.sinks(cfg),
                forecasts -> forecasts.map(new FailOnceAfterCheckpoint()).name("inject-failure"));
        JobClient job = env.executeAsync("exactly-once");
        try (KafkaProducer<byte[], byte[]> producer = KAFKA.producer()) {
            // phase 1, then wait for a checkpoint that covers some of it
            send(producer, topics.readings(), bySensor, 0, firstPhase);
            await("a checkpoint completed after forecasts passed", Duration.ofMinutes(2), FailOnceAfterCheckpoint.ARMED::get);
            // phase 2: its forecasts fail the job, which restarts from that checkpoint
            send(producer, topics.readings(), bySensor, firstPhase, perSensor);
            await("the injected failure", Duration.ofMinutes(1), FailOnceAfterCheckpoint.FAILED::get);
            // one reading per partition, ahead of the data but within validation.max-ahead, moves every
            // partition's watermark past the data
            for (int p = 0; p < PARTITIONS; p++) {
                Reading flush = new Reading("flush-" + p, System.currentTimeMillis() + 120_000, new float[] {0f, 0f});
                producer.send(new ProducerRecord<>(topics.readings(), p, key(flush.sensorId), ReadingEncoder.avro(flush)));
            }
            producer.flush();

            Map<String, float[]> expected = expectedForecasts(bySensor, false);
            List<ConsumerRecord<byte[], byte[]>> out = KAFKA.readAll(topics.forecasts(), true, expected.size(), Duration.ofMinutes(2));
            assertForecastsExactlyOnce(expected, out);
            assertTrue(FailOnceAfterCheckpoint.OPENS.get() > FlinkMiniCluster.PARALLELISM,
                    "the job restarted: " + FailOnceAfterCheckpoint.OPENS.get() + " opens");

            // a reading behind the watermark now goes to the late topic, in the input format
            Reading late = new Reading("sensor-000", base, new float[] {1f, 2f});
            producer.send(new ProducerRecord<>(topics.readings(), key(late.sensorId), ReadingEncoder.avro(late))).get();
            List<ConsumerRecord<byte[], byte[]>> lateOut = KAFKA.readAll(topics.late(), true, 1, Duration.ofMinutes(1));
            assertEquals(1, lateOut.size());
            assertArrayEquals(ReadingEncoder.avro(late), lateOut.get(0).value());
            assertEquals("sensor-000", new String(lateOut.get(0).key(), StandardCharsets.UTF_8));
        } finally {
            job.cancel().get();
        }
    }

    // ---------------------------------------------------------------- helpers

    static Topics topics(String prefix) throws Exception {
        return Topics.create(KAFKA, prefix, PARTITIONS);
    }

    static JobConfig config(Topics topics, Map<String, String> extra) {
        Map<String, String> m = topics.settings(KAFKA);
        m.put("model.bundle", bundle.toString());
        m.put("watermark.out-of-orderness", "5s");
        m.put("inference.batch-size", "16");
        m.putAll(extra);
        return JobConfig.of(m);
    }

    /**
     * Readings of {@code sensors} sensors, one per step, starting at {@code base}, each up to
     * {@code jitterMillis} after the start of its step; values are random but fixed by the seed.
     */
    static Map<String, List<Reading>> readings(int sensors, int perSensor, long base, long seed, int jitterMillis) {
        return readings(sensors, perSensor, base, seed, jitterMillis, 2);
    }

    /** As above with {@code channels} channels: the two above, then Gaussian noise. */
    static Map<String, List<Reading>> readings(int sensors, int perSensor, long base, long seed, int jitterMillis,
            int channels) {
        Random rnd = new Random(seed);
        Map<String, List<Reading>> m = new TreeMap<>();
        for (int s = 0; s < sensors; s++) {
            String id = String.format("sensor-%03d", s);
            List<Reading> list = new ArrayList<>();
            for (int i = 0; i < perSensor; i++) {
                long jitter = jitterMillis == 0 ? 0 : rnd.nextInt(jitterMillis);
                float[] v = new float[channels];
                v[0] = (float) rnd.nextGaussian();
                v[1] = (float) (s + 0.1 * i);
                for (int c = 2; c < channels; c++) v[c] = (float) rnd.nextGaussian();
                list.add(new Reading(id, base + i * STEP + jitter, v));
            }
            m.put(id, list);
        }
        return m;
    }

    /** All readings, sensors interleaved, each sensor's readings disordered by up to three steps (the watermark allows five). */
    static List<Reading> outOfOrder(Map<String, List<Reading>> bySensor, Random rnd) {
        List<Reading> all = new ArrayList<>();
        Map<Reading, Double> arrival = new HashMap<>();
        for (List<Reading> list : bySensor.values()) {
            for (Reading r : list) {
                all.add(r);
                arrival.put(r, r.timestamp + rnd.nextDouble() * 3 * STEP);
            }
        }
        all.sort(Comparator.comparingDouble(arrival::get));
        Map<String, Long> newest = new HashMap<>();
        int behind = 0;
        for (Reading r : all) {
            Long max = newest.merge(r.sensorId, r.timestamp, Math::max);
            if (r.timestamp < max) behind++;
        }
        assertTrue(behind > all.size() / 20, "the input really is out of order: " + behind + " readings behind their sensor's newest");
        return all;
    }

    static void send(KafkaProducer<byte[], byte[]> producer, String topic, Map<String, List<Reading>> bySensor, int from, int to) {
        Random rnd = new Random(from);
        List<Reading> part = new ArrayList<>();
        Map<Reading, Double> arrival = new HashMap<>();
        for (List<Reading> list : bySensor.values()) {
            for (Reading r : list.subList(from, to)) {
                part.add(r);
                arrival.put(r, r.timestamp + rnd.nextDouble() * 2 * STEP);
            }
        }
        part.sort(Comparator.comparingDouble(arrival::get));
        for (Reading r : part) producer.send(new ProducerRecord<>(topic, key(r.sensorId), ReadingEncoder.avro(r)));
        producer.flush();
    }

    /**
     * Windows built here from the time-ordered readings (one reading per step), forecast by the model
     * itself: sensor@issuedAt -> H*C values. issuedAt is the last reading's time, or in fixed-step
     * mode the start of its step.
     */
    static Map<String, float[]> expectedForecasts(Map<String, List<Reading>> bySensor, boolean fixedStep) {
        Map<String, float[]> windows = KafkaJobTests.windows(bySensor, T, C, t -> fixedStep ? Math.floorDiv(t, STEP) * STEP : t);
        float[][] predicted = model.predict(windows.values().toArray(float[][]::new));
        Map<String, float[]> out = new LinkedHashMap<>();
        int i = 0;
        for (String id : windows.keySet()) out.put(id, predicted[i++]);
        return out;
    }

    static void assertForecastsExactlyOnce(Map<String, float[]> expected, List<ConsumerRecord<byte[], byte[]>> out) throws Exception {
        Set<String> seen = new HashSet<>();
        List<String> duplicates = new ArrayList<>();
        Map<String, Long> lastIssued = new HashMap<>();
        Map<Integer, Map<String, Long>> perPartitionOrder = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> rec : out) {
            Forecast f = Forecast.getDecoder().decode(rec.value());
            String id = f.getSensorId() + "@" + f.getIssuedAt().toEpochMilli();
            assertEquals(f.getSensorId(), new String(rec.key(), StandardCharsets.UTF_8), "key = sensorId");
            if (!seen.add(id)) duplicates.add(id);
            float[] want = expected.get(id);
            assertNotNull(want, "unexpected forecast " + id);
            assertEquals("tiny", f.getModelName());
            assertEquals("dev", f.getModelVersion());
            assertEquals("flat", f.getHead());
            assertEquals(H, f.getHorizon());
            assertEquals(C, f.getChannels());
            assertEquals(STEP, f.getStepMillis(), "the window step (fixed-step) or the model's nominal step (count)");
            assertArrayEquals(want, values(f), 1e-5f, id);
            // one sensor's forecasts leave in issuedAt order (a sensor lives in one partition)
            Map<String, Long> order = perPartitionOrder.computeIfAbsent(rec.partition(), k -> new HashMap<>());
            Long prev = order.put(f.getSensorId(), f.getIssuedAt().toEpochMilli());
            assertTrue(prev == null || prev < f.getIssuedAt().toEpochMilli(), "out of order: " + id);
        }
        assertTrue(duplicates.isEmpty(), duplicates.size() + " duplicates, e.g. " + duplicates.subList(0, Math.min(5, duplicates.size())));
        Set<String> missing = new HashSet<>(expected.keySet());
        missing.removeAll(seen);
        assertTrue(missing.isEmpty(), missing.size() + " forecasts missing, e.g. " + missing.stream().limit(5).toList());
        assertEquals(expected.size(), out.size());
    }

    /** A malformed record, what it should be dead-lettered as, and the key it should carry. */
    record BadRecord(String what, String key, byte[] value, DeadLetterReason reason, String sensorId) {
        @Override
        public String toString() {
            return what;
        }
    }

    static List<BadRecord> badRecords(Format format, long base) {
        long future = System.currentTimeMillis() + Duration.ofDays(30).toMillis();
        List<BadRecord> l = new ArrayList<>();
        l.add(new BadRecord("tombstone", "sensor-001", null, DeadLetterReason.EMPTY_PAYLOAD, null));
        l.add(new BadRecord("empty value", "k-empty", new byte[0], DeadLetterReason.EMPTY_PAYLOAD, null));
        l.add(new BadRecord("empty sensorId", "k-blank", ReadingEncoder.encode(new Reading("", base, new float[] {1f, 2f}), format),
                DeadLetterReason.EMPTY_SENSOR_ID, ""));
        l.add(new BadRecord("three channels", "sensor-002", ReadingEncoder.encode(new Reading("sensor-002", base + 500, new float[] {1f, 2f, 3f}), format),
                DeadLetterReason.WRONG_CHANNEL_COUNT, "sensor-002"));
        l.add(new BadRecord("one channel", "sensor-003", ReadingEncoder.encode(new Reading("sensor-003", base + 500, new float[] {1f}), format),
                DeadLetterReason.WRONG_CHANNEL_COUNT, "sensor-003"));
        l.add(new BadRecord("NaN", "sensor-004", ReadingEncoder.encode(new Reading("sensor-004", base + 1500, new float[] {Float.NaN, 2f}), format),
                DeadLetterReason.NON_FINITE_VALUE, "sensor-004"));
        l.add(new BadRecord("infinity", "sensor-005", ReadingEncoder.encode(new Reading("sensor-005", base + 2500, new float[] {1f, Float.NEGATIVE_INFINITY}), format),
                DeadLetterReason.NON_FINITE_VALUE, "sensor-005"));
        // a timestamp a month ahead must not move the watermark either (or every good reading would be late)
        l.add(new BadRecord("future timestamp", "sensor-006", ReadingEncoder.encode(new Reading("sensor-006", future, new float[] {1f, 2f}), format),
                DeadLetterReason.TIMESTAMP_AHEAD, "sensor-006"));
        l.add(new BadRecord("1970 timestamp", "sensor-007", ReadingEncoder.encode(new Reading("sensor-007", 0L, new float[] {1f, 2f}), format),
                DeadLetterReason.TIMESTAMP_OUT_OF_RANGE, "sensor-007"));
        byte[] avro = ReadingEncoder.avro(new Reading("sensor-008", base, new float[] {1f, 2f}));
        if (format == Format.AVRO) {
            l.add(new BadRecord("text instead of Avro", "k-text", "temperature=21.5".getBytes(StandardCharsets.UTF_8), DeadLetterReason.UNDECODABLE, null));
            l.add(new BadRecord("truncated Avro", "sensor-008", Arrays.copyOf(avro, avro.length - 6), DeadLetterReason.UNDECODABLE, null));
            byte[] otherSchema = avro.clone();
            otherSchema[4] ^= 0x33;
            l.add(new BadRecord("unknown writer schema", "sensor-008", otherSchema, DeadLetterReason.UNKNOWN_SCHEMA, null));
        } else {
            l.add(new BadRecord("Avro instead of JSON", "sensor-008", avro, DeadLetterReason.UNDECODABLE, null));
            l.add(new BadRecord("truncated JSON", "sensor-008", utf8("{\"sensorId\":\"sensor-008\",\"timestamp\":" + base), DeadLetterReason.UNDECODABLE, null));
            l.add(new BadRecord("no values", "sensor-009", utf8("{\"sensorId\":\"sensor-009\",\"timestamp\":" + base + "}"),
                    DeadLetterReason.MISSING_FIELD, "sensor-009"));
            l.add(new BadRecord("no sensorId", "k-anon", utf8("{\"timestamp\":" + base + ",\"values\":[1,2]}"), DeadLetterReason.MISSING_FIELD, null));
            l.add(new BadRecord("values as a string", "sensor-010", utf8("{\"sensorId\":\"sensor-010\",\"timestamp\":" + base + ",\"values\":\"1,2\"}"),
                    DeadLetterReason.INVALID_FIELD, "sensor-010"));
            l.add(new BadRecord("unparseable timestamp", "sensor-011", utf8("{\"sensorId\":\"sensor-011\",\"timestamp\":\"last tuesday\",\"values\":[1,2]}"),
                    DeadLetterReason.BAD_TIMESTAMP, "sensor-011"));
        }
        return l;
    }

    static byte[] isoJson(Reading r) {
        StringBuilder sb = new StringBuilder("{\"sensorId\":\"").append(r.sensorId).append("\",\"timestamp\":\"")
                .append(Instant.ofEpochMilli(r.timestamp)).append("\",\"values\":[");
        for (int i = 0; i < r.values.length; i++) sb.append(i == 0 ? "" : ",").append(r.values[i]);
        return utf8(sb.append("]}").toString());
    }

    static long counter(JobExecutionResult result, String suffix) {
        long sum = 0;
        int found = 0;
        for (Map.Entry<String, Metric> e : FlinkMiniCluster.METRICS.getMetricsByIdentifiers(result.getJobID()).entrySet()) {
            if (e.getKey().endsWith(suffix) && e.getValue() instanceof Counter c) {
                sum += c.getCount();
                found++;
            }
        }
        assertEquals(FlinkMiniCluster.PARALLELISM, found, "one " + suffix + " counter per validator subtask");
        return sum;
    }

    static byte[] key(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Fails the job once, just before the sink, after a checkpoint completed and {@link #AFTER}
     * more forecasts went on to the sink: those are in Kafka (at-least-once) or in a transaction
     * that must be aborted (exactly-once) when the job restarts from that checkpoint and
     * produces them again. Static flags: they must survive the restart, and the MiniCluster runs
     * in this JVM.
     */
    static final class FailOnceAfterCheckpoint extends RichMapFunction<WindowForecast, WindowForecast> implements CheckpointListener {
        static final int AFTER = 20;
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        static final AtomicInteger OPENS = new AtomicInteger();
        private transient long seen;
        private transient long sinceArmed;

        static void reset() {
            ARMED.set(false);
            FAILED.set(false);
            OPENS.set(0);
        }

        @Override
        public void open(OpenContext openContext) {
            OPENS.incrementAndGet();
        }

        @Override
        public WindowForecast map(WindowForecast r) {
            seen++;
            if (ARMED.get() && ++sinceArmed > AFTER && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure (test)");
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            if (seen > 0) ARMED.set(true);
        }
    }
}
