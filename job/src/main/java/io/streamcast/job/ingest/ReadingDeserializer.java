package io.streamcast.job.ingest;

import io.streamcast.job.config.JobConfig;
import io.streamcast.job.records.Reading;
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
    private final InputLimits limits;
    private transient ReadingDecoder decoder;

    /** @param avroWriterSchemas .avsc texts of other SensorReading versions (Avro only) */
    public ReadingDeserializer(JobConfig.Format format, List<String> avroWriterSchemas, InputLimits limits) {
        this.format = format;
        this.avroWriterSchemas = List.copyOf(avroWriterSchemas);
        this.limits = limits;
    }

    public ReadingDeserializer(JobConfig.Format format, List<String> avroWriterSchemas) {
        this(format, avroWriterSchemas, InputLimits.DEFAULTS);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        decoder();
    }

    private ReadingDecoder decoder() {
        if (decoder == null) {
            decoder = format == JobConfig.Format.AVRO ? new AvroReadingDecoder(avroWriterSchemas) : new JsonReadingDecoder(limits);
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
        } else if (record.value().length > limits.maxRecordBytes()) {
            in.failure = DeadLetterReason.OVERSIZED.name();
            in.failureDetail = "record value has " + record.value().length + " bytes, at most " + limits.maxRecordBytes()
                    + " allowed (input.max-record-bytes); not decoded";
        } else {
            try {
                Reading r = decoder().decode(record.value());
                DecodeException e = limits.check(r);
                if (e != null) throw e;
                in.reading = r;
            } catch (DecodeException e) {
                in.failure = e.reason().name();
                in.failureDetail = e.getMessage();
                in.failureSensorId = e.sensorId();
            } catch (RuntimeException e) {
                // a decoder bug must not stop the job either: the record is kept in the DLQ
                in.failure = DeadLetterReason.UNDECODABLE.name();
                in.failureDetail = JsonReadingDecoder.abbreviate("decoder failed: " + e);
            }
        }
        out.collect(in);
    }

    @Override
    public TypeInformation<Ingested> getProducedType() {
        return TypeInformation.of(Ingested.class);
    }
}
