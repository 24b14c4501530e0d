package io.streamcast.tools;

import io.streamcast.avro.Forecast;
import io.streamcast.models.cli.UsageError;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code streamcast tail}: reads forecasts from Kafka (committed transactions only) and prints them decoded. */
@Command(name = "tail", mixinStandardHelpOptions = true,
        description = {"Print forecasts from Kafka, decoded (one line each, or JSON).",
            "Forecasts are Avro (single-object encoding) on the forecasts topic.",
            "Reads with isolation.level=read_committed (exactly-once output shows up at checkpoints) and "
                + "without a consumer group (nothing is committed)."})
public final class TailCommand implements Callable<Integer> {
    @Option(names = "--max", paramLabel = "N", description = "Exit after N forecasts (default: run until Ctrl-C).")
    Long max;

    @Option(names = "--timeout", paramLabel = "S",
            description = "With --max: give up after S seconds, exit 1 (default: wait forever).")
    Double timeout;

    @Option(names = "--json", description = "One JSON object per forecast (all H x C values).")
    boolean json;

    @Option(names = "--from", paramLabel = "earliest|latest", defaultValue = "earliest",
            description = "Where to start in the topic (default ${DEFAULT-VALUE}).")
    String from;

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9092",
            description = "Kafka bootstrap servers (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--topic", defaultValue = "forecasts", description = "Topic (default ${DEFAULT-VALUE}).")
    String topic;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        java.io.PrintWriter out = spec.commandLine().getOut();
        if (max != null && max < 1) {
            throw new UsageError("--max must be at least 1, got " + max);
        }
        if (timeout != null && !(timeout > 0)) {
            throw new UsageError("--timeout must be > 0 seconds, got " + timeout);
        }
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw new UsageError("--from must be earliest or latest, got '" + from + "'");
        }
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, from);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());

        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        long printed = 0;
        long undecodable = 0;
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            if (from.equals("earliest")) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            while ((max == null || printed < max) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Forecast forecast;
                    try {
                        forecast = Forecast.getDecoder().decode(ByteBuffer.wrap(record.value()));
                    } catch (Exception e) {
                        undecodable++;
                        System.err.printf("tail: partition %d offset %d is not a Forecast (%s): %s%n",
                                record.partition(), record.offset(), e.getClass().getSimpleName(), e.getMessage());
                        continue;
                    }
                    out.println(json ? ForecastFormat.json(forecast) : ForecastFormat.line(forecast));
                    printed++;
                    if (max != null && printed >= max) {
                        break;
                    }
                }
            }
        }
        out.flush();
        if (max != null && printed < max) {
            System.err.printf("tail: only %d of %d forecasts within %.0f s (%d undecodable records)%n",
                    printed, max, timeout, undecodable);
            return 1;
        }
        if (undecodable > 0) {
            System.err.printf("tail: %d undecodable records skipped%n", undecodable);
        }
        return 0;
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> consumer) {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(15));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UsageError("no Kafka broker answers at " + bootstrap
                    + "; start one with './streamcast kafka start' or pass --bootstrap");
        }
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null) {
            throw new UsageError("topic '" + topic + "' does not exist on " + bootstrap
                    + "; create it with './streamcast kafka create-topics " + topic + ":2' or submit the job first");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        return partitions;
    }
}
