package io.streamcast.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static io.streamcast.job.testing.KafkaJobTests.await;
import static io.streamcast.job.testing.KafkaJobTests.environment;
import static io.streamcast.job.testing.KafkaJobTests.values;

import io.streamcast.avro.Forecast;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.kafka.KafkaEndpoints;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import io.streamcast.job.records.WindowForecast;
import io.streamcast.job.testing.FlinkMiniCluster;
import io.streamcast.job.testing.KafkaClusterExtension;
import io.streamcast.job.testing.KafkaJobTests;
import io.streamcast.job.testing.KafkaJobTests.Topics;
import io.streamcast.job.testing.ModelStoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.client.program.ClusterClient;
import org.apache.flink.core.execution.CheckpointType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot model reload in the whole job: a real Kafka broker (KRaft), a MiniCluster at parallelism 2,
 * a model store on the local disk followed by the model watcher. Expected forecasts are computed
 * here from the readings sent, with each version's own {@code ForecastModel.predict}.
 */
class HotReloadKafkaIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();
    @RegisterExtension
    static final MiniClusterExtension FLINK = FlinkMiniCluster.extension();

    static final int T = ModelStoreFixture.T;
    static final int C = ModelStoreFixture.C;
    static final long STEP = ModelStoreFixture.STEP;
    static final int PARTITIONS = 3;
    static final int SENSORS = 12;

    @TempDir
    Path dir;

    // ---------------------------------------------------------------- roll-out while readings flow

    @Test
    void aPublishedVersionIsPickedUpWhileReadingsFlowWithNoForecastLostOrDuplicated() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        Topics topics = Topics.create(KAFKA, "swap", PARTITIONS);
        JobConfig cfg = config(topics, fx, Map.of("checkpoint.interval", "1s"));
        JobClient job = startJob(cfg, "hot-reload-swap");
        Run run = new Run(topics);
        try (run) {
            run.sendSteps(0, 6);
            run.awaitForecasts("first v1 forecasts", f -> true, SENSORS);

            run.startStreaming(); // one step of every sensor each 100 ms from now on
            long published = System.currentTimeMillis();
            fx.publish(2);
            await("both inference subtasks serve version 2", Duration.ofMinutes(2),
                    () -> gauges(job.getJobID(), "modelVersion").equals(List.of("2", "2")));
            int firstStepAfterSwap = run.nextStep.get(); // windows ending here or later reach the operator after the swap
            run.stopStreamingAfter(3);
            run.flush();

            Map<String, float[][]> expected = run.expectedByVersion(fx, "1", "2");
            List<Forecast> out = run.awaitForecasts("every window", f -> true, expected.size());
            run.assertExactlyOnce(out, expected.keySet());
            Map<String, Integer> byVersion = run.assertValuesOfTheirVersion(out, expected, List.of("1", "2"));
            assertTrue(byVersion.get("1") > 0 && byVersion.get("2") > 0, "both versions served: " + byVersion);
            run.assertVersionNeverGoesBack(out, List.of("1", "2"));
            for (Forecast f : out) {
                if (run.stepOf(f) >= firstStepAfterSwap) {
                    assertEquals("2", f.getModelVersion(), "after the swap every forecast carries v2: " + run.id(f));
                }
            }
            long firstV2 = out.stream().filter(f -> f.getModelVersion().equals("2"))
                    .mapToLong(f -> f.getProducedAt().toEpochMilli()).min().orElseThrow();
            System.out.printf("HOT RELOAD: publish -> first v2 forecast %d ms (poll interval %s); forecasts by version %s%n",
                    firstV2 - published, cfg.modelPollInterval(), byVersion);
            assertEquals(4, counterSum(job.getJobID(), "reloadsAccepted"), "v1 at start, then v2, on each of the two subtasks");
            assertEquals(0, counterSum(job.getJobID(), "reloadsRejected"));
        } finally {
            job.cancel().get();
        }
    }

    // ---------------------------------------------------------------- bad bundles are refused

    @Test
    void aCorruptBundleAndOneWithAnotherChannelCountAreRejectedAndForecastsContinueOnThePreviousVersion() throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        Topics topics = Topics.create(KAFKA, "reject", PARTITIONS);
        JobConfig cfg = config(topics, fx, Map.of("checkpoint.interval", "1s"));
        JobClient job = startJob(cfg, "hot-reload-reject");
        Run run = new Run(topics);
        try (run) {
            run.sendSteps(0, 6);
            run.awaitForecasts("first v1 forecasts", f -> true, SENSORS);
            await("v1 loaded on both subtasks", Duration.ofMinutes(1),
                    () -> gauges(job.getJobID(), "modelVersion").equals(List.of("1", "1")));

            String corrupt = fx.publishCorrupt(7);
            await("the corrupt bundle rejected on both subtasks", Duration.ofMinutes(1),
                    () -> counterSum(job.getJobID(), "reloadsRejected") == 2);
            run.sendSteps(6, 9);
            String otherShape = fx.publish(8, 3);
            await("the 3-channel bundle rejected on both subtasks", Duration.ofMinutes(1),
                    () -> counterSum(job.getJobID(), "reloadsRejected") == 4);
            assertEquals(List.of(corrupt, otherShape), List.of("2", "3"));
            assertEquals("3", fx.store.latest(ModelStoreFixture.NAME), "both really were LATEST");
            run.sendSteps(9, 12);
            run.flush();

            Map<String, float[][]> expected = run.expectedByVersion(fx, "1");
            List<Forecast> out = run.awaitForecasts("every window", f -> true, expected.size());
            run.assertExactlyOnce(out, expected.keySet());
            assertEquals(Map.of("1", expected.size()), run.assertValuesOfTheirVersion(out, expected, List.of("1")),
                    "every forecast from v1");
            assertEquals(List.of("1", "1"), gauges(job.getJobID(), "modelVersion"));
            assertEquals(2, counterSum(job.getJobID(), "reloadsAccepted"), "only v1, once per subtask");
            assertEquals(4, counterSum(job.getJobID(), "reloadsRejected"));
        } finally {
            job.cancel().get();
        }
    }

    // ---------------------------------------------------------------- restore

    /**
     * Checkpoint while v1 serves, publish v2 (served), fail before the next checkpoint. To make
     * "resumes on v1" observable the LATEST file is moved away just before the failure, so the
     * restored watcher finds nothing: v1 can then only come from the checkpoint's pointer (the live
     * operator was serving v2). Putting LATEST back shows the restored job following the watcher.
     */
    @Test
    void aRestoredJobResumesOnTheCheckpointedVersionThenFollowsTheWatcher(@InjectClusterClient ClusterClient<?> client)
            throws Exception {
        ModelStoreFixture fx = new ModelStoreFixture(dir);
        fx.publish(1);
        Topics topics = Topics.create(KAFKA, "restore", PARTITIONS);
        // checkpoints only when the test asks (the periodic one is an hour away and must pause an hour)
        JobConfig cfg = config(topics, fx, Map.of("checkpoint.interval", "1h"));
        StreamExecutionEnvironment env = environment(cfg);
        env.getCheckpointConfig().setMinPauseBetweenCheckpoints(Duration.ofHours(1).toMillis());
        FailOnce.reset();
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.manifest(cfg).spec()),
                KafkaEndpoints.readings(cfg, false), KafkaEndpoints.sinks(cfg),
                forecasts -> forecasts.map(new FailOnce()).name("inject-failure"));
        JobClient job = env.executeAsync("hot-reload-restore");
        Run run = new Run(topics);
        try (run) {
            run.sendSteps(0, 6);
            run.awaitForecasts("v1 forecasts", f -> f.getModelVersion().equals("1"), SENSORS);
            await("v1 on both subtasks", Duration.ofMinutes(1), () -> gauges(job.getJobID(), "modelVersion").equals(List.of("1", "1")));
            long checkpoint = client.triggerCheckpoint(job.getJobID(), CheckpointType.FULL).get();
            System.out.println("checkpoint " + checkpoint + " completed while v1 served");

            fx.publish(2);
            await("v2 on both subtasks", Duration.ofMinutes(2), () -> gauges(job.getJobID(), "modelVersion").equals(List.of("2", "2")));
            run.sendSteps(6, 9);
            run.awaitForecasts("v2 forecasts before the failure", f -> f.getModelVersion().equals("2"), SENSORS);

            Path latest = fx.root.resolve(ModelStoreFixture.NAME).resolve("LATEST");
            Path hidden = latest.resolveSibling("LATEST.hidden");
            Files.move(latest, hidden);
            FailOnce.ARMED.set(true); // the next forecast fails the job, before any further checkpoint
            run.sendSteps(9, 12);
            await("the injected failure and the restart", Duration.ofMinutes(1), () -> FailOnce.RESTORED_AT.get() > 0);
            long failedAt = FailOnce.RESTORED_AT.get(); // forecasts produced later come from the restored job
            // replayed steps 6-8 and the new 9-11: the watermark (1 s behind) releases the windows up to step 9
            List<Forecast> restored = run.awaitForecasts("forecasts of the restored job",
                    f -> f.getProducedAt().toEpochMilli() > failedAt && run.stepOf(f) >= 9, SENSORS);
            Set<String> versionsAfterRestore = new HashSet<>();
            for (Forecast f : run.forecasts()) {
                if (f.getProducedAt().toEpochMilli() > failedAt) versionsAfterRestore.add(f.getModelVersion());
            }
            assertEquals(Set.of("1"), versionsAfterRestore, "the restored job serves the checkpoint's version");
            assertTrue(restored.size() >= SENSORS);

            Files.move(hidden, latest); // the watcher sees LATEST = 2 again
            run.startStreaming();
            // every sensor got a v2 forecast: both subtasks switched (a sensor lives on one subtask)
            run.awaitForecasts("v2 for every sensor after the restore", f -> f.getModelVersion().equals("2")
                    && f.getProducedAt().toEpochMilli() > failedAt, 1);
            await("v2 for every sensor after the restore", Duration.ofMinutes(2), () -> {
                run.pollOnce();
                return run.forecasts().stream().filter(f -> f.getModelVersion().equals("2") && f.getProducedAt().toEpochMilli() > failedAt)
                        .map(Forecast::getSensorId).distinct().count() == SENSORS;
            });
            int lastStep = run.stopStreamingAfter(4);
            run.flush();

            Map<String, float[][]> expected = run.expectedByVersion(fx, "1", "2");
            // at least once across the failure: count distinct windows, duplicates of the replay do not count
            await("a forecast of every window", Duration.ofMinutes(3), () -> {
                run.pollOnce();
                Set<String> have = new HashSet<>();
                for (Forecast f : run.forecasts()) have.add(run.id(f));
                return have.containsAll(expected.keySet());
            });
            List<Forecast> out = run.awaitForecasts("every window", f -> true, expected.size());
            Set<String> ids = new HashSet<>();
            for (Forecast f : out) ids.add(run.id(f));
            Set<String> missing = new HashSet<>(expected.keySet());
            missing.removeAll(ids);
            assertTrue(missing.isEmpty(), "no window lost across the failure: missing " + missing);
            run.assertValuesOfTheirVersion(out, expected, List.of("1", "2"));
            List<Forecast> afterRestore = out.stream().filter(f -> f.getProducedAt().toEpochMilli() > failedAt).toList();
            run.assertVersionNeverGoesBack(afterRestore, List.of("1", "2"));
            for (Forecast f : afterRestore) {
                if (run.stepOf(f) == lastStep) assertEquals("2", f.getModelVersion(), "then it follows the watcher: " + run.id(f));
            }
            assertTrue(FailOnce.OPENS.get() > FlinkMiniCluster.PARALLELISM, "the job restarted");
        } finally {
            job.cancel().get();
        }
    }

    /** Fails the job on the first forecast once armed. Static: it must survive the restart (same JVM). */
    static final class FailOnce extends RichMapFunction<WindowForecast, WindowForecast> {
        static final AtomicBoolean ARMED = new AtomicBoolean();
        static final AtomicBoolean FAILED = new AtomicBoolean();
        /** When the first task of the restored job opened: every task of the failed one was cancelled by then. */
        static final AtomicLong RESTORED_AT = new AtomicLong();
        static final AtomicInteger OPENS = new AtomicInteger();

        static void reset() {
            ARMED.set(false);
            FAILED.set(false);
            RESTORED_AT.set(0);
            OPENS.set(0);
        }

        @Override
        public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
            OPENS.incrementAndGet();
            if (FAILED.get()) RESTORED_AT.compareAndSet(0, System.currentTimeMillis());
        }

        @Override
        public WindowForecast map(WindowForecast f) {
            if (ARMED.get() && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure (test)");
            }
            return f;
        }
    }

    // ---------------------------------------------------------------- helpers

    static JobConfig config(Topics topics, ModelStoreFixture fx, Map<String, String> extra) {
        Map<String, String> m = topics.settings(KAFKA);
        m.put("model.store", fx.root.toString());
        m.put("model.name", ModelStoreFixture.NAME);
        m.put("model.poll-interval", "250ms");
        m.put("watermark.out-of-orderness", "1s");
        m.put("watermark.idleness", "0");
        // event time runs at the sender's pace, ahead of the wall clock, and the flush is an hour ahead: a replay
        m.put("validation.max-ahead", "0");
        m.put("inference.batch-size", "16");
        m.putAll(extra);
        return JobConfig.of(m);
    }

    /** The whole job, following the store's LATEST, started on the MiniCluster. */
    static JobClient startJob(JobConfig cfg, String name) throws Exception {
        StreamExecutionEnvironment env = environment(cfg);
        ForecastPipeline.define(env, PipelineSettings.from(cfg, ForecastJob.manifest(cfg).spec()),
                KafkaEndpoints.readings(cfg, false), KafkaEndpoints.sinks(cfg));
        return env.executeAsync(name);
    }

    /**
     * The readings sent (one per sensor per step, each step's sensors in random order, values fixed by
     * sensor and step) and the forecasts read back.
     */
    static final class Run implements AutoCloseable {
        final Topics topics;
        final long base = (System.currentTimeMillis() / STEP) * STEP - Duration.ofMinutes(10).toMillis();
        final KafkaProducer<byte[], byte[]> producer = KAFKA.producer();
        final KafkaConsumer<byte[], byte[]> consumer;
        final List<Forecast> seen = new ArrayList<>();
        final Map<String, List<Reading>> sent = new TreeMap<>();
        final AtomicInteger nextStep = new AtomicInteger();
        final List<Throwable> senderErrors = new CopyOnWriteArrayList<>();
        private volatile boolean streaming;
        private volatile int stopAt = Integer.MAX_VALUE;
        private Thread sender;

        Run(Topics topics) {
            this.topics = topics;
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < PARTITIONS; i++) parts.add(new TopicPartition(topics.forecasts(), i));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        long time(int step) {
            return base + step * STEP;
        }

        static String sensor(int s) {
            return String.format("sensor-%02d", s);
        }

        synchronized void send(Reading r) {
            producer.send(new ProducerRecord<>(topics.readings(), r.sensorId.getBytes(StandardCharsets.UTF_8), ReadingEncoder.avro(r)));
            producer.flush();
        }

        /** Steps [from, to) of every sensor. */
        synchronized void sendSteps(int from, int to) {
            for (int step = from; step < to; step++) {
                List<Integer> order = new ArrayList<>();
                for (int s = 0; s < SENSORS; s++) order.add(s);
                Collections.shuffle(order, new Random(step));
                for (int s : order) {
                    Random v = new Random(s * 1000L + step);
                    Reading r = new Reading(sensor(s), time(step), new float[] {(float) v.nextGaussian(), (float) (s + 0.1 * step)});
                    sent.computeIfAbsent(r.sensorId, k -> new ArrayList<>()).add(r);
                    // sensor s always on partition s % 3: every partition carries sensors, so every partition's watermark moves
                    producer.send(new ProducerRecord<>(topics.readings(), s % PARTITIONS, r.sensorId.getBytes(StandardCharsets.UTF_8),
                            ReadingEncoder.avro(r)));
                }
                nextStep.set(step + 1);
            }
            producer.flush();
        }

        void startStreaming() {
            streaming = true;
            stopAt = Integer.MAX_VALUE;
            sender = new Thread(() -> {
                try {
                    while (streaming && nextStep.get() < stopAt) {
                        int step = nextStep.get();
                        sendSteps(step, step + 1);
                        Thread.sleep(100);
                    }
                } catch (Throwable t) {
                    senderErrors.add(t);
                }
            }, "test-readings");
            sender.start();
        }

        /** Streams {@code more} steps more, stops; returns the last step sent. */
        int stopStreamingAfter(int more) throws InterruptedException {
            stopAt = nextStep.get() + more;
            sender.join(Duration.ofMinutes(2).toMillis());
            streaming = false;
            assertTrue(senderErrors.isEmpty(), "sender: " + senderErrors);
            return nextStep.get() - 1;
        }

        /** One far-ahead reading per partition moves every partition's watermark past the data. */
        synchronized void flush() {
            for (int p = 0; p < PARTITIONS; p++) {
                Reading r = new Reading("flush-" + p, base + Duration.ofHours(1).toMillis(), new float[] {0f, 0f});
                producer.send(new ProducerRecord<>(topics.readings(), p, r.sensorId.getBytes(StandardCharsets.UTF_8), ReadingEncoder.avro(r)));
            }
            producer.flush();
        }

        List<Forecast> forecasts() {
            return seen;
        }

        /** Reads forecasts until {@code atLeast} of them match; returns those. Then reads on to the end offsets. */
        List<Forecast> awaitForecasts(String what, java.util.function.Predicate<Forecast> match, int atLeast) throws Exception {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (true) {
                List<Forecast> matching = seen.stream().filter(match).toList();
                if (matching.size() >= atLeast) {
                    drainToEnd();
                    return seen.stream().filter(match).toList();
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out waiting for " + what + ": " + matching.size() + " of " + atLeast);
                }
                for (var rec : consumer.poll(Duration.ofMillis(200))) seen.add(Forecast.getDecoder().decode(rec.value()));
            }
        }

        void pollOnce() {
            for (var rec : consumer.poll(Duration.ofMillis(100))) {
                try {
                    seen.add(Forecast.getDecoder().decode(rec.value()));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }

        private void drainToEnd() throws Exception {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                for (var rec : consumer.poll(Duration.ofMillis(200))) seen.add(Forecast.getDecoder().decode(rec.value()));
            }
        }

        String id(Forecast f) {
            return f.getSensorId() + "@" + f.getIssuedAt().toEpochMilli();
        }

        int stepOf(Forecast f) {
            return (int) ((f.getIssuedAt().toEpochMilli() - base) / STEP);
        }

        /** Every window of the readings sent: id -> one forecast per version, in the order given. */
        Map<String, float[][]> expectedByVersion(ModelStoreFixture fx, String... versions) throws Exception {
            Map<String, float[]> windows = KafkaJobTests.windows(sent, T, C, t -> t);
            List<String> ids = new ArrayList<>(windows.keySet());
            float[][] in = windows.values().toArray(float[][]::new);
            List<float[][]> perVersion = new ArrayList<>();
            for (String v : versions) perVersion.add(fx.predict(v, in));
            Map<String, float[][]> out = new LinkedHashMap<>();
            for (int i = 0; i < ids.size(); i++) {
                float[][] byVersion = new float[versions.length][];
                for (int v = 0; v < versions.length; v++) byVersion[v] = perVersion.get(v)[i];
                out.put(ids.get(i), byVersion);
            }
            return out;
        }

        void assertExactlyOnce(List<Forecast> out, Set<String> expected) {
            Set<String> ids = new HashSet<>();
            List<String> duplicates = new ArrayList<>();
            for (Forecast f : out) if (!ids.add(id(f))) duplicates.add(id(f));
            assertTrue(duplicates.isEmpty(), duplicates.size() + " duplicates, e.g. " + duplicates.subList(0, Math.min(5, duplicates.size())));
            Set<String> missing = new HashSet<>(expected);
            missing.removeAll(ids);
            assertTrue(missing.isEmpty(), missing.size() + " missing, e.g. " + missing.stream().limit(5).toList());
            assertEquals(expected.size(), out.size());
        }

        /** Each forecast equals its own version's prediction; returns the count per version. */
        Map<String, Integer> assertValuesOfTheirVersion(List<Forecast> out, Map<String, float[][]> expected, List<String> versions) {
            Map<String, Integer> count = new TreeMap<>();
            for (Forecast f : out) {
                float[][] want = expected.get(id(f));
                assertNotNull(want, "unexpected forecast " + id(f));
                assertEquals(ModelStoreFixture.NAME, f.getModelName());
                int v = versions.indexOf(f.getModelVersion());
                assertTrue(v >= 0, "version " + f.getModelVersion() + " of " + id(f));
                assertArrayEquals(want[v], values(f), 1e-5f, id(f) + " equals v" + f.getModelVersion() + "'s prediction");
                count.merge(f.getModelVersion(), 1, Integer::sum);
            }
            return count;
        }

        /** Per sensor (one sensor, one subtask), in output order: versions only move forward. */
        void assertVersionNeverGoesBack(List<Forecast> out, List<String> order) {
            Map<String, Integer> last = new HashMap<>();
            for (Forecast f : out) {
                int v = order.indexOf(f.getModelVersion());
                Integer prev = last.put(f.getSensorId(), v);
                assertTrue(prev == null || prev <= v, "sensor " + f.getSensorId() + " went back to v" + f.getModelVersion() + " at " + id(f));
            }
        }

        @Override
        public void close() {
            streaming = false;
            producer.close();
            consumer.close();
        }
    }

    /** One metric of every inference subtask (the watcher's task and operator share IO metric names, so look by group). */
    static List<Metric> inferenceMetrics(JobID job, String name) {
        List<Metric> found = new ArrayList<>();
        for (var group : FlinkMiniCluster.METRICS.findOperatorMetricGroups(job, "inference.*")) {
            Metric m = FlinkMiniCluster.METRICS.getMetricsByGroup(group).get(name);
            if (m != null) found.add(m);
        }
        return found;
    }

    static List<String> gauges(JobID job, String name) {
        List<String> values = new ArrayList<>();
        for (Metric m : inferenceMetrics(job, name)) values.add(String.valueOf(((Gauge<?>) m).getValue()));
        Collections.sort(values);
        return values;
    }

    static long counterSum(JobID job, String name) {
        long sum = 0;
        for (Metric m : inferenceMetrics(job, name)) sum += ((Counter) m).getCount();
        return sum;
    }
}
