package io.streamcast.job.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.models.cli.UsageError;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code streamcast tail-evaluation} (what {@code streamcast tail --evaluation} runs): prints the
 * evaluation topic, one line per scored forecast with its MSE, Repeat's and the skill, and each
 * sensor's live skill over its last {@code --last} forecasts.
 */
@Command(name = "tail-evaluation", mixinStandardHelpOptions = true,
        description = {"Print scored forecasts from the evaluation topic: per forecast the model's and Repeat's MSE",
            "(normalised) and the skill 1 - MSE_model/MSE_repeat, and each sensor's live skill over its last N forecasts.",
            "Reads with isolation.level=read_committed and without a consumer group (nothing is committed).",
            "",
            "Example:  ./streamcast tail-evaluation --bootstrap 127.0.0.1:9092 --max 20"})
public final class EvalTailCommand implements Callable<Integer> {
    @Option(names = "--max", paramLabel = "N", description = "Exit after N evaluations (default: run until Ctrl-C).")
    Long max;

    @Option(names = "--timeout", paramLabel = "S", description = "With --max: give up after S seconds, exit 1 (default: wait forever).")
    Double timeout;

    @Option(names = "--json", description = "One JSON object per evaluation (every per-step error, and the sensor's live skill).")
    boolean json;

    @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where to start in the topic (default ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "forecast-evaluations", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--last", paramLabel = "N", defaultValue = "50",
            description = "A sensor's live skill covers its last N forecasts (default ${DEFAULT-VALUE}).")
    int last;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (max != null && max < 1) throw new UsageError("--max must be at least 1, got " + max);
        if (timeout != null && !(timeout > 0)) throw new UsageError("--timeout must be > 0 seconds, got " + timeout);
        if (last < 1) throw new UsageError("--last must be at least 1, got " + last);
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw new UsageError("--from must be earliest or latest, got '" + from + "'");
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        long printed = 0;
        long undecodable = 0;
        LiveSkill skill = new LiveSkill(last);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            if (from.equals("earliest")) consumer.seekToBeginning(partitions);
            else consumer.seekToEnd(partitions);
            while ((max == null || printed < max) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ForecastEvaluation e;
                    try {
                        e = EvaluationRecords.decode(r.value());
                    } catch (Exception ex) {
                        undecodable++;
                        System.err.printf("tail-evaluation: partition %d offset %d is not a ForecastEvaluation (%s)%n",
                                r.partition(), r.offset(), ex.getMessage());
                        continue;
                    }
                    double sensorSkill = skill.add(e);
                    out.println(json ? json(e, sensorSkill, last) : line(e, sensorSkill, last));
                    out.flush();
                    printed++;
                    if (max != null && printed >= max) break;
                }
            }
        }
        out.flush();
        if (max != null && printed < max) {
            System.err.printf(Locale.ROOT, "tail-evaluation: only %d of %d evaluations within %.0f s (%d undecodable records)%n",
                    printed, max, timeout, undecodable);
            return 1;
        }
        if (undecodable > 0) System.err.printf("tail-evaluation: %d undecodable records skipped%n", undecodable);
        return 0;
    }

    static double mean(List<Float> a) {
        double s = 0;
        for (float v : a) s += v;
        return s / a.size();
    }

    static double skill(double model, double repeat) {
        return repeat > 0 ? 1 - model / repeat : Double.NaN;
    }

    /** {@code issuedAt sensor model@version  MSE m  Repeat r  skill s  | sensor skill (last n) S}. */
    static String line(ForecastEvaluation e, double sensorSkill, int last) {
        double m = mean(e.getModelSquaredErrorNormalized());
        double r = mean(e.getRepeatSquaredErrorNormalized());
        return String.format(Locale.ROOT, "%s  %-16s %s@%s  MSE %.4f  Repeat %.4f  skill %+.3f  | sensor skill (last %d) %+.3f",
                e.getIssuedAt(), e.getSensorId(), e.getModelName(), e.getModelVersion(), m, r, skill(m, r), last, sensorSkill);
    }

    static String json(ForecastEvaluation e, double sensorSkill, int last) {
        ObjectNode n = JSON.createObjectNode();
        n.put("sensorId", e.getSensorId());
        n.put("issuedAt", e.getIssuedAt().toString());
        n.put("modelName", e.getModelName());
        n.put("modelVersion", e.getModelVersion());
        double m = mean(e.getModelSquaredErrorNormalized());
        double r = mean(e.getRepeatSquaredErrorNormalized());
        n.put("mse", m);
        n.put("repeatMse", r);
        n.put("skill", skill(m, r));
        n.put("sensorSkill", sensorSkill);
        n.put("sensorSkillOver", last);
        ArrayNode steps = n.putArray("mseByStep");
        e.getModelSquaredErrorNormalized().forEach(steps::add);
        ArrayNode rsteps = n.putArray("repeatMseByStep");
        e.getRepeatSquaredErrorNormalized().forEach(rsteps::add);
        ArrayNode raw = n.putArray("maeRawByStep");
        e.getModelAbsError().forEach(raw::add);
        try {
            return JSON.writeValueAsString(n);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Each sensor's skill over its last N evaluations: 1 - sum MSE_model / sum MSE_repeat. */
    static final class LiveSkill {
        private final int last;
        private final Map<String, ArrayDeque<double[]>> bySensor = new HashMap<>();

        LiveSkill(int last) {
            this.last = last;
        }

        double add(ForecastEvaluation e) {
            ArrayDeque<double[]> q = bySensor.computeIfAbsent(e.getSensorId(), k -> new ArrayDeque<>());
            q.addLast(new double[] {mean(e.getModelSquaredErrorNormalized()), mean(e.getRepeatSquaredErrorNormalized())});
            if (q.size() > last) q.removeFirst();
            double m = 0, r = 0;
            for (double[] v : q) {
                m += v[0];
                r += v[1];
            }
            return skill(m, r);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(15));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UsageError("no Kafka broker answers at " + bootstrap + "; start one or pass --bootstrap HOST:PORT");
        }
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null) {
            throw new UsageError("topic '" + topic + "' does not exist on " + bootstrap
                    + "; fix: run the job with evaluation.enabled=true (topic.evaluations) or pass --topic");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        return partitions;
    }
}
