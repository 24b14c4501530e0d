package io.streamcast.job.testing;

import io.streamcast.avro.Forecast;
import io.streamcast.job.ForecastJob;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.records.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.LongUnaryOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** What the whole-job tests on a real broker and a MiniCluster share: topics, settings, environment, expected windows. */
public final class KafkaJobTests {
    private KafkaJobTests() {
    }

    /** One fresh set of topics per test, so tests never see each other's records. */
    public record Topics(String readings, String forecasts, String dlq, String late, String group) {
        public static Topics create(KafkaClusterExtension kafka, String prefix, int partitions) throws Exception {
            String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
            Topics t = new Topics(id + "-readings", id + "-forecasts", id + "-dlq", id + "-late", id + "-group");
            kafka.createTopics(partitions, t.readings, t.forecasts, t.dlq, t.late);
            return t;
        }

        /** The job settings for these topics on that broker, read from the earliest offset; callers add the rest. */
        public Map<String, String> settings(KafkaClusterExtension kafka) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            m.put("topic.readings", readings);
            m.put("topic.forecasts", forecasts);
            m.put("topic.dlq", dlq);
            m.put("topic.late", late);
            m.put("source.group-id", group);
            m.put("source.starting-offsets", "earliest");
            return m;
        }
    }

    public static StreamExecutionEnvironment environment(JobConfig cfg) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(FlinkMiniCluster.PARALLELISM);
        ForecastJob.configure(env, cfg);
        return env;
    }

    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /**
     * Every window of T readings (C channels, time-major) of the time-ordered readings, built here
     * independently of the job: sensor@issuedAt -> window, issuedAt being {@code issuedAt} of the
     * window's last reading time.
     */
    public static Map<String, float[]> windows(Map<String, List<Reading>> bySensor, int t, int c, LongUnaryOperator issuedAt) {
        Map<String, float[]> windows = new LinkedHashMap<>();
        for (List<Reading> list : bySensor.values()) {
            List<Reading> sorted = new ArrayList<>(list);
            sorted.sort(Comparator.comparingLong(r -> r.timestamp));
            for (int end = t - 1; end < sorted.size(); end++) {
                float[] w = new float[t * c];
                for (int k = 0; k < t; k++) System.arraycopy(sorted.get(end - t + 1 + k).values, 0, w, k * c, c);
                windows.put(sorted.get(end).sensorId + "@" + issuedAt.applyAsLong(sorted.get(end).timestamp), w);
            }
        }
        return windows;
    }

    /** The forecast values as a plain array. */
    public static float[] values(Forecast f) {
        float[] got = new float[f.getValues().size()];
        for (int i = 0; i < got.length; i++) got[i] = f.getValues().get(i);
        return got;
    }
}
