package io.streamcast.job.ingest;

import io.streamcast.job.config.JobConfig;
import java.util.List;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Kafka record to {@link Ingested}; never throws, whatever the bytes: a record that cannot be
 * decoded becomes an {@code Ingested} carrying the reason, for the validator to route to the DLQ.
 */
public final class ReadingDeserializer implements KafkaRecordDeserializationSchema<Ingested> {
    private static final long serialVersionUID = 1L;

    private final JobConfig.Format format;
    private final List<String> avroWriterSchemas;
    private transient ReadingDecoder decoder;

    /** @param avroWriterSchemas .avsc texts of other SensorReading versions (Avro only) */
    public ReadingDeserializer(JobConfig.Format format, List<String> avroWriterSchemas) {
        this.format = format;
        this.avroWriterSchemas = List.copyOf(avroWriterSchemas);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder();
    }

    private ReadingDecoder decoder() {
        if (decoder == null) {
            decoder = format == JobConfig.Format.AVRO ? new AvroReadingDecoder(avroWriterSchemas) : new JsonReadingDecoder();
        }
        return decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested> out) {
        Ingested in = new Ingested();
        in.topic = record.topic();
        in.partition = record.partition();
        in.offset = record.offset();
        in.kafkaTimestamp = record.timestamp();
        in.key = record.key();
        in.payload = record.value();
        if (record.value() == null || record.value().length == 0) {
            in.failure = DeadLetterReason.EMPTY_PAYLOAD.name();
            in.failureDetail = record.value() == null ? "record value is null (tombstone)" : "record value is empty";
        } else {
            try {
                in.reading = decoder().decode(record.value());
            } catch (DecodeException e) {
                in.failure = e.reason().name();
                in.failureDetail = e.getMessage();
                in.failureSensorId = e.sensorId();
            } catch (RuntimeException e) {
                // a decoder bug must not stop the job either: the record is kept in the DLQ
                in.failure = DeadLetterReason.UNDECODABLE.name();
                in.failureDetail = "decoder failed: " + e;
            }
        }
        out.collect(in);
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
