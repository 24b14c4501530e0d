package io.streamcast.job.evaluation;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Evaluation topic record: key = sensorId (UTF-8), value = Avro {@code ForecastEvaluation}, single-object encoding; record timestamp = send time (event time may be anything). */
public final class EvaluationSerializer implements KafkaRecordSerializationSchema<EvaluatedForecast> {
    private static final long serialVersionUID = 1L;
    private final String topic;

    public EvaluationSerializer(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(EvaluatedForecast e, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, (Long) null, e.sensorId.getBytes(StandardCharsets.UTF_8),
                EvaluationRecords.encode(e));
    }
}
