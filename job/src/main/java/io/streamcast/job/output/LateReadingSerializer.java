package io.streamcast.job.output;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.records.Reading;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Late-reading topic record: the reading in the input format, key = sensorId, so it can be inspected or replayed like any reading. */
public final class LateReadingSerializer implements KafkaRecordSerializationSchema<Reading> {
    private static final long serialVersionUID = 1L;
    private final String topic;
    private final JobConfig.Format format;

    public LateReadingSerializer(String topic, JobConfig.Format format) {
        this.topic = topic;
        this.format = format;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Reading r, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, r.timestamp, r.sensorId.getBytes(StandardCharsets.UTF_8),
                ReadingEncoder.encode(r, format));
    }
}
