package io.streamcast.job.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.job.ingest.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Dead-letter topic record. Key: the sensorId when it could be read, else the original key.
 * Value: a UTF-8 JSON object, readable with any console consumer:
 * <pre>{@code
 * {"reason":"NON_FINITE_VALUE","detail":"values[2] is NaN","sensorId":"s-7",
 *  "source":{"topic":"sensor-readings","partition":1,"offset":4711,"timestamp":1718000000000},
 *  "rejectedAt":"2026-11-27T13:00:00Z","keyBase64":"cy03","payloadBase64":"w wEA..."}
 * }</pre>
 * payloadBase64 holds the original value bytes exactly, so a fixed record can be replayed.
 */
public final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final String topic;

    public DeadLetterSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
        byte[] key = d.sensorId != null && !d.sensorId.isEmpty() ? d.sensorId.getBytes(StandardCharsets.UTF_8) : d.key;
        return new ProducerRecord<>(topic, null, d.rejectedAt, key, toJson(d));
    }

    public static byte[] toJson(DeadLetter d) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("reason", d.reason);
        n.put("detail", d.detail);
        n.put("sensorId", d.sensorId);
        ObjectNode src = n.putObject("source");
        src.put("topic", d.topic);
        src.put("partition", d.partition);
        src.put("offset", d.offset);
        src.put("timestamp", d.kafkaTimestamp);
        n.put("rejectedAt", Instant.ofEpochMilli(d.rejectedAt).toString());
        n.put("keyBase64", d.key == null ? null : Base64.getEncoder().encodeToString(d.key));
        n.put("payloadBase64", d.payload == null ? null : Base64.getEncoder().encodeToString(d.payload));
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write dead letter as JSON", e);
        }
    }
}
