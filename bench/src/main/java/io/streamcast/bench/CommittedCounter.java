package io.streamcast.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records of some topics as a read_committed consumer sees them: with exactly-once, what
 * a downstream reader gets, when it gets it (at each checkpoint's commit).
 */
final class CommittedCounter implements Runnable {
    private final String bootstrap;
    private final List<String> topics;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private volatile boolean stop;
    private volatile String problem;

    CommittedCounter(String bootstrap, List<String> topics) {
        this.bootstrap = bootstrap;
        this.topics = List.copyOf(topics);
        topics.forEach(t -> counts.put(t, new AtomicLong()));
    }

    long count(String topic) {
        return counts.get(topic).get();
    }

    String problem() {
        return problem;
    }

    void stop() {
        stop = true;
    }

    @Override
    public void run() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String topic : topics) {
                consumer.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            while (!stop) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    counts.get(r.topic()).incrementAndGet();
                }
            }
        } catch (RuntimeException e) {
            problem = String.format(Locale.ROOT, "read_committed consumer of %s failed: %s", topics, e);
        }
    }
}
