package io.streamcast.job.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker (KRaft, combined broker+controller, one node) shared by every test class of
 * the JVM: started by the first class that registers it, stopped when the JUnit run ends.
 * Replication factor 1 for the internal topics, or consumer groups and transactions never start.
 * {@code transaction.max.timeout.ms} stays at the broker default (15 min), as in production, so a
 * sink left at its 1 h default transaction timeout would fail here too.
 */
public final class KafkaClusterExtension implements BeforeAllCallback {
    private static KafkaClusterTestKit cluster;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (KafkaClusterExtension.class) {
            if (cluster != null) return;
            KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .setConfigProp("auto.create.topics.enable", "false")
                    .build();
            c.format();
            c.startup();
            c.waitForReadyBrokers();
            cluster = c;
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                    .put(KafkaClusterExtension.class.getName(), (ExtensionContext.Store.CloseableResource) () -> {
                        synchronized (KafkaClusterExtension.class) {
                            cluster.close();
                            cluster = null;
                        }
                    });
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    public void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) topics.add(new NewTopic(n, partitions, (short) 1));
            admin.createTopics(topics).all().get();
        }
    }

    public KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // one request in flight: a slow, loaded machine once made a late retry of a first batch
        // overtake five later ones (OutOfOrderSequenceException); order matters to these tests
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "60000");
        return new KafkaProducer<>(p);
    }

    /**
     * Reads a topic from the beginning until at least {@code atLeast} records arrived, then on to
     * the end offsets as they are at that moment (for read_committed: the last stable offset), so
     * duplicates written before that point are seen too.
     */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, boolean readCommitted, int atLeast, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < atLeast) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("topic " + topic + ": " + out.size() + " records after " + timeout
                            + ", expected at least " + atLeast);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) throw new AssertionError("topic " + topic + ": end offsets not reached");
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    private static boolean reached(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) return false;
        }
        return true;
    }
}
