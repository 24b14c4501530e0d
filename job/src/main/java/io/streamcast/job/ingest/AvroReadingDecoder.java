package io.streamcast.job.ingest;

import io.streamcast.avro.SensorReading;
import io.streamcast.job.records.Reading;
import java.io.IOException;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BadHeaderException;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;

/**
 * Avro single-object encoding: 2 marker bytes, the writer schema's 8-byte CRC-64-AVRO fingerprint,
 * then the binary body. The job's own {@code SensorReading} schema is always known; other versions
 * (older or newer producers) are registered so their records resolve to the job's schema.
 */
public final class AvroReadingDecoder implements ReadingDecoder {
    private final BinaryMessageDecoder<SensorReading> decoder;

    /** @param writerSchemas other SensorReading schema versions producers may write, as .avsc JSON */
    public AvroReadingDecoder(List<String> writerSchemas) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        for (String json : writerSchemas) store.addSchema(new Schema.Parser().parse(json));
        this.decoder = SensorReading.createDecoder(store);
    }

    @Override
    public Reading decode(byte[] bytes) throws DecodeException {
        SensorReading r;
        try {
            r = decoder.decode(bytes);
        } catch (MissingSchemaException e) {
            throw new DecodeException(DeadLetterReason.UNKNOWN_SCHEMA,
                    "writer schema fingerprint " + fingerprint(bytes) + " is unknown: " + e.getMessage()
                            + " (register the producer's schema with input.avro.writer-schemas)");
        } catch (BadHeaderException e) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "not Avro single-object encoding: " + e.getMessage());
        } catch (IOException | AvroRuntimeException e) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e);
        } catch (RuntimeException e) {
            // corrupt lengths inside the body surface as index/size errors
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e);
        }
        List<Float> list = r.getValues();
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) values[i] = list.get(i);
        return new Reading(r.getSensorId(), r.getTimestamp().toEpochMilli(), values);
    }

    private static String fingerprint(byte[] bytes) {
        if (bytes.length < 10) return "?";
        StringBuilder sb = new StringBuilder();
        for (int i = 2; i < 10; i++) sb.append(String.format("%02x", bytes[i]));
        return sb.toString();
    }
}
