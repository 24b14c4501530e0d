package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic from the beginning or the end, without a consumer group (nothing is committed) and
 * read_committed (exactly-once output shows up at checkpoints), and prints each record through a
 * {@link Decoder}: the loop behind {@code tail} and {@code tail --evaluation}.
 */
final class TopicTail {

    /** Turns a record value into one printed line; throws for a record that is not what the topic should hold. */
    @FunctionalInterface
    interface Decoder {
        String line(byte[] value) throws Exception;
    }

    private TopicTail() {
    }

    /**
     * @return 0 when {@code max} records were printed (or forever without max); 1 when the timeout
     *     passed first
     */
    static int run(Properties client, String topic, String from, Long max, Double timeout, Decoder decoder,
            PrintWriter out) {
        if (max != null && max < 1) throw new UsageError("--max must be at least 1, got " + max);
        if (timeout != null && !(timeout > 0)) throw new UsageError("--timeout must be > 0 seconds, got " + timeout);
        if (!from.equals("earliest") && !from.equals("latest")) {
            throw new UsageError("--from must be earliest or latest, got '" + from + "'");
        }
        String bootstrap = client.getProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        Properties props = new Properties();
        props.putAll(client);
        props.putAll(consumerProperties(bootstrap));

        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + (long) (timeout * 1e9);
        long printed = 0;
        long undecodable = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = partitions(consumer, bootstrap, topic);
            consumer.assign(partitions);
            if (from.equals("earliest")) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            BrokerWatch watch = new BrokerWatch(consumer);
            while ((max == null || printed < max) && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                watch.check(!records.isEmpty());
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    String line;
                    try {
                        line = decoder.line(record.value());
                    } catch (Exception e) {
                        undecodable++;
                        System.err.printf("tail: %s partition %d offset %d is undecodable (%s): %s%n", topic,
                                record.partition(), record.offset(), e.getClass().getSimpleName(), e.getMessage());
                        continue;
                    }
                    out.println(line);
                    out.flush();
                    printed++;
                    if (max != null && printed >= max) {
                        break;
                    }
                }
            }
        }
        out.flush();
        if (max != null && printed < max) {
            System.err.printf(Locale.ROOT, "tail: only %d of %d records within %.0f s (%d undecodable records)%n",
                    printed, max, timeout, undecodable);
            return 1;
        }
        if (undecodable > 0) {
            System.err.printf("tail: %d undecodable records skipped%n", undecodable);
        }
        return 0;
    }

    /** A consumer without a group (nothing committed) that sees committed transactions only. */
    static Properties consumerProperties(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * The consumer retries a lost broker by itself (with backoff) and carries on where it was; this
     * only says so: a line when it has had no connection for 3 s, and one when it is back.
     */
    static final class BrokerWatch {
        private final KafkaConsumer<?, ?> consumer;
        private long downSince = -1;
        private boolean reported;

        BrokerWatch(KafkaConsumer<?, ?> consumer) {
            this.consumer = consumer;
        }

        void check(boolean gotRecords) {
            long now = System.nanoTime();
            if (gotRecords || connected()) {
                if (reported) {
                    System.err.printf("tail: the broker answers again after %.0f s; carrying on%n", (now - downSince) / 1e9);
                }
                downSince = -1;
                reported = false;
            } else if (downSince < 0) {
                downSince = now;
            } else if (!reported && now - downSince >= 3_000_000_000L) {
                reported = true;
                System.err.println("tail: no connection to the broker for 3 s; retrying with backoff until it is back");
            }
        }

        private boolean connected() {
            for (Map.Entry<MetricName, ? extends Metric> e : consumer.metrics().entrySet()) {
                if (e.getKey().name().equals("connection-count") && e.getKey().group().equals("consumer-metrics")
                        && e.getValue().metricValue() instanceof Number n) {
                    return n.doubleValue() > 0;
                }
            }
            return true;
        }
    }

    static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String bootstrap,
            String topic) {
        Map<String, List<PartitionInfo>> topics;
        try {
            topics = consumer.listTopics(Duration.ofSeconds(30));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UsageError("no Kafka broker answers at " + bootstrap
                    + "; start one with './streamcast kafka start' or pass --bootstrap");
        }
        List<PartitionInfo> infos = topics.get(topic);
        if (infos == null) {
            throw new UsageError("topic '" + topic + "' does not exist on " + bootstrap
                    + "; create it with './streamcast kafka create-topics " + topic
                    + ":2', submit the job first (with evaluation.enabled=true for evaluations), or pass --topic");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        return partitions;
    }
}
