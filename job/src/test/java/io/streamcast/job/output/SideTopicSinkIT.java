package io.streamcast.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.job.ingest.DeadLetter;
import io.streamcast.job.testing.KafkaClusterExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The side-topic writer against a real broker: what the broker refuses (a record over the topic's
 * max.message.bytes, a topic that does not exist) is counted as dropped and never thrown; the rest
 * is written and acknowledged by the flush.
 */
class SideTopicSinkIT {
    @RegisterExtension
    static final KafkaClusterExtension KAFKA = new KafkaClusterExtension();

    @Test
    void recordsTheBrokerRefusesAreCountedNotThrown() throws Exception {
        String topic = "side-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "4000")))).all().get();
        }
        SimpleCounter written = new SimpleCounter();
        SimpleCounter dropped = new SimpleCounter();
        try (SideTopicSink.Writer<DeadLetter> ok = writer(topic, written, dropped);
             SideTopicSink.Writer<DeadLetter> missing = writer("no-such-topic-" + UUID.randomUUID(), written, dropped)) {
            ok.write(deadLetter(100, 1), null);
            ok.write(deadLetter(20_000, 2), null); // fits max.request.size, not the topic: the broker refuses it
            ok.write(deadLetter(100, 3), null);
            ok.flush(false);
            missing.write(deadLetter(100, 4), null); // metadata never arrives: max.block.ms, then dropped
            missing.flush(false);
        }
        assertEquals(2, written.getCount());
        assertEquals(2, dropped.getCount());
        List<ConsumerRecord<byte[], byte[]>> out = KAFKA.readAll(topic, false, 2, Duration.ofMinutes(1));
        ObjectMapper json = new ObjectMapper();
        assertEquals(List.of(1L, 3L), out.stream().map(r -> {
            try {
                JsonNode d = json.readTree(r.value());
                return d.get("source").get("offset").asLong();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).toList());
    }

    @Test
    void aDeadLetterKeepsTheFirstBytesTheSizesAndTheHash() throws Exception {
        DeadLetter d = deadLetter(1_000_000, 7);
        d.key = new byte[300];
        byte[] value = DeadLetterSerializer.toJson(d, 1024);
        assertTrue(value.length < 4096, value.length + " bytes");
        assertTrue(value.length + 1024 <= DeadLetterSerializer.maxSize(1024));
        JsonNode n = new ObjectMapper().readTree(value);
        assertEquals(1_000_000, n.get("payloadSize").asInt());
        assertEquals(300, n.get("keySize").asInt());
        assertEquals(DeadLetterSerializer.sha256(d.payload), n.get("payloadSha256").asText());
        assertEquals(1024, java.util.Base64.getDecoder().decode(n.get("payloadBase64").asText()).length);
        assertTrue(n.get("truncated").asBoolean());
    }

    private static SideTopicSink.Writer<DeadLetter> writer(String topic, SimpleCounter written, SimpleCounter dropped) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "3000");
        return new SideTopicSink.Writer<>("dlq", new KafkaProducer<>(p), new DeadLetterSerializer(topic, 64 * 1024),
                SideTopicSink.maxRequestSize(p), written, dropped);
    }

    private static DeadLetter deadLetter(int payloadBytes, long offset) {
        DeadLetter d = new DeadLetter();
        d.reason = "UNDECODABLE";
        d.detail = "test";
        d.topic = "readings";
        d.offset = offset;
        d.rejectedAt = System.currentTimeMillis();
        d.payload = new byte[payloadBytes];
        return d;
    }
}
