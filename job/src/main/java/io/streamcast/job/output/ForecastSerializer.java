package io.streamcast.job.output;

import io.streamcast.job.records.WindowForecast;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;

/** Forecast topic record: key = sensorId (UTF-8), value = Avro {@code Forecast}, single-object encoding, timestamp = producedAt
 * (when the job made it: a broker refuses timestamps far ahead of its clock, and event time can be anything). */
public final class ForecastSerializer implements KafkaRecordSerializationSchema<WindowForecast> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public ForecastSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(WindowForecast f, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, f.producedAt, f.sensorId.getBytes(StandardCharsets.UTF_8),
                ForecastRecords.encode(f));
    }
}
