package io.streamcast.bench;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.config.Setting;
import io.streamcast.job.evaluation.EvaluationRecords;
import io.streamcast.job.ingest.ReadingEncoder;
import io.streamcast.job.records.Reading;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A held-back split of a CSV series replayed through the job as one sensor, with the file's own
 * timestamps, and the empirical coverage of the forecasts' intervals as the job's online evaluator
 * reports it on the evaluation topic. Shared by {@code streamcast bench coverage} (job in a child JVM)
 * and its integration test (job in a MiniCluster), so both measure with the same code.
 */
public final class CoverageReplay {
    /**
     * Consecutive forecasts per block for the batch-means standard error: one week of hourly
     * forecasts. Overlapping windows of a daily series make neighbouring forecasts' hits strongly
     * correlated, so the binomial error of independent draws would be far too small.
     */
    public static final int BLOCK = 168;

    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private CoverageReplay() {
    }

    /** The job's topics for one replay. */
    public record Topics(String readings, String forecasts, String dlq, String late, String evaluations) {
        public static Topics named(String prefix) {
            return new Topics(prefix + "-readings", prefix + "-forecasts", prefix + "-dlq", prefix + "-late", prefix + "-evaluations");
        }

        public List<String> all() {
            return List.of(readings, forecasts, dlq, late, evaluations);
        }
    }

    /**
     * Creates the topics, kept forever: forecasts and evaluations carry the replayed issuedAt (years ago)
     * as record timestamp, which time-based retention would delete at its next check.
     */
    public static void createTopics(String bootstrap, Topics t, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String name : t.all()) topics.add(new NewTopic(name, partitions, (short) 1).configs(Map.of("retention.ms", "-1")));
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    /**
     * The job's settings for a replay of history: timestamps years in the past pass validation
     * ({@code validation.max-ahead=0}, {@code validation.max-timestamp-skew=0}), count windows (each
     * reading is a step, the windows of {@code streamcast evaluate}), intervals at {@code coverage}.
     */
    public static List<String> jobSettings(String bootstrap, Topics t, Path bundle, double coverage, int parallelism) {
        return List.of(
                JobConfig.kafkaOverride("bootstrap.servers", bootstrap),
                Setting.MODEL_BUNDLE.override(bundle.toAbsolutePath()),
                Setting.TOPIC_READINGS.override(t.readings()),
                Setting.TOPIC_FORECASTS.override(t.forecasts()),
                Setting.TOPIC_DLQ.override(t.dlq()),
                Setting.TOPIC_LATE.override(t.late()),
                Setting.TOPIC_EVALUATIONS.override(t.evaluations()),
                Setting.GROUP_ID.override(t.readings()),
                Setting.STARTING_OFFSETS.override("earliest"),
                Setting.WINDOW_MODE.override("count"),
                Setting.EVALUATION_ENABLED.override(true),
                Setting.INTERVAL_COVERAGE.override(coverage),
                Setting.MAX_AHEAD.override(0),
                Setting.MAX_SKEW.override(0),
                Setting.PARALLELISM.override(parallelism));
    }

    /** Event time of a row of an ETT-style file ({@code yyyy-MM-dd HH:mm:ss}, read as UTC). */
    public static long epochMillis(TimeSeries series, int row) {
        return LocalDateTime.parse(series.times()[row], CSV_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** Rows [start, end) of the series as readings of one sensor, in order; returns how many were sent. */
    public static int replay(String bootstrap, String topic, String sensorId, TimeSeries series, Split.Range range) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"); // a retried batch must not overtake: order is the window
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        byte[] key = sensorId.getBytes(StandardCharsets.UTF_8);
        int sent = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int row = range.start(); row < range.end(); row++) {
                Reading r = new Reading(sensorId, epochMillis(series, row), series.rows()[row].clone());
                producer.send(new ProducerRecord<>(topic, key, ReadingEncoder.avro(r)));
                sent++;
            }
            producer.flush();
        }
        return sent;
    }

    /** Windows of T inputs and H actuals in {@code rows} readings of one sensor: what the evaluator scores. */
    public static int scorableWindows(int rows, int window, int horizon) {
        return Math.max(0, rows - window - horizon + 1);
    }

    /**
     * Reads a topic from the beginning until {@code expected} records arrived (then to the end offsets of
     * that moment, so extra records are seen too); {@code whileWaiting} runs between polls and may throw
     * (e.g. when the job died).
     */
    public static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int expected, Duration timeout,
                                                             Runnable whileWaiting) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + ": " + out.size() + " of " + expected + " records after " + timeout);
                }
                whileWaiting.run();
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            for (TopicPartition tp : parts) {
                while (consumer.position(tp) < end.get(tp)) consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    public static List<ForecastEvaluation> evaluations(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        List<ForecastEvaluation> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) out.add(EvaluationRecords.decode(r.value()));
        out.sort(Comparator.comparing((ForecastEvaluation e) -> e.getSensorId()).thenComparing(ForecastEvaluation::getIssuedAt));
        return out;
    }

    public static List<Forecast> forecasts(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        List<Forecast> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) out.add(Forecast.getDecoder().decode(ByteBuffer.wrap(r.value())));
        out.sort(Comparator.comparing((Forecast f) -> f.getSensorId()).thenComparing(Forecast::getIssuedAt));
        return out;
    }

    /**
     * Empirical coverage per horizon step as the job reports it.
     *
     * @param byStep        mean of {@code inInterval[h]} over the forecasts: the fraction of actual values inside
     * @param standardError per step, batch means over blocks of {@link #BLOCK} consecutive forecasts
     */
    public record Coverage(double nominal, int forecasts, double[] byStep, double[] standardError) {
        /** Largest |coverage − nominal| over the steps. */
        public double worstDeviation() {
            double worst = 0;
            for (double c : byStep) worst = Math.max(worst, Math.abs(c - nominal));
            return worst;
        }
    }

    /** From the evaluation records (in issuedAt order per sensor); every one must have an interval. */
    public static Coverage coverage(List<ForecastEvaluation> evaluations) {
        if (evaluations.isEmpty()) throw new IllegalArgumentException("no evaluation records");
        int h = evaluations.get(0).getHorizon();
        double nominal = evaluations.get(0).getCoverage();
        double[][] hits = new double[h][evaluations.size()];
        for (int i = 0; i < evaluations.size(); i++) {
            ForecastEvaluation e = evaluations.get(i);
            if (e.getInInterval().size() != h || e.getCoverage() != nominal) {
                throw new IllegalArgumentException("forecast of " + e.getSensorId() + " at " + e.getIssuedAt()
                        + " has no interval at coverage " + nominal + " (inInterval " + e.getInInterval() + ", coverage "
                        + e.getCoverage() + "); fix: serve a bundle with calibrated intervals");
            }
            for (int s = 0; s < h; s++) hits[s][i] = e.getInInterval().get(s);
        }
        double[] mean = new double[h];
        double[] se = new double[h];
        for (int s = 0; s < h; s++) {
            mean[s] = average(hits[s], 0, hits[s].length);
            se[s] = batchMeansError(hits[s], BLOCK);
        }
        return new Coverage(nominal, evaluations.size(), mean, se);
    }

    /** Standard error of the mean of an autocorrelated series: the spread of its block means over √blocks. */
    static double batchMeansError(double[] x, int block) {
        int blocks = x.length / block;
        if (blocks < 2) return Double.NaN;
        double[] means = new double[blocks];
        for (int b = 0; b < blocks; b++) means[b] = average(x, b * block, (b + 1) * block);
        double m = average(means, 0, blocks);
        double ss = 0;
        for (double v : means) ss += (v - m) * (v - m);
        return Math.sqrt(ss / (blocks - 1) / blocks);
    }

    private static double average(double[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += x[i];
        return s / (to - from);
    }
}
