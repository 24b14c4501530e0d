package io.streamcast.job.ingest;

import io.streamcast.avro.SensorReading;
import io.streamcast.job.records.Reading;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.SchemaStore;

/**
 * Avro single-object encoding: 2 marker bytes, the writer schema's 8-byte CRC-64-AVRO fingerprint
 * (little-endian), then the binary body. The job's own {@code SensorReading} schema is always
 * known; other versions (older or newer producers) are registered so their records resolve to the
 * job's schema. Header and fingerprint are checked here, and the body is walked by
 * {@link AvroBodyCheck} before Avro decodes it, so no declared length allocates more than the
 * record holds.
 */
public final class AvroReadingDecoder implements ReadingDecoder {
    private static final int HEADER = 10;

    /** The job's own schema: decoded field by field, straight into a float[] (see {@link #decodeOwn}). */
    private static final long OWN = SchemaNormalization.parsingFingerprint64(SensorReading.getClassSchema());

    private final BinaryMessageDecoder<SensorReading> decoder;
    private final Map<Long, AvroBodyCheck> bodies = new HashMap<>();

    /** @param writerSchemas other SensorReading schema versions producers may write, as .avsc JSON */
    public AvroReadingDecoder(List<String> writerSchemas) {
        SchemaStore.Cache store = new SchemaStore.Cache();
        register(SensorReading.getClassSchema());
        for (String json : writerSchemas) {
            Schema s = new Schema.Parser().parse(json);
            store.addSchema(s);
            register(s);
        }
        this.decoder = SensorReading.createDecoder(store);
    }

    private void register(Schema s) {
        bodies.put(SchemaNormalization.parsingFingerprint64(s), new AvroBodyCheck(s));
    }

    @Override
    public Reading decode(byte[] bytes) throws DecodeException {
        if (bytes.length < HEADER || bytes[0] != (byte) 0xC3 || bytes[1] != (byte) 0x01) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE,
                    "not Avro single-object encoding (it starts with the 2 bytes C3 01 and an 8-byte schema fingerprint)");
        }
        long fingerprint = 0;
        for (int i = HEADER - 1; i >= 2; i--) fingerprint = (fingerprint << 8) | (bytes[i] & 0xff);
        AvroBodyCheck body = bodies.get(fingerprint);
        if (body == null) {
            throw new DecodeException(DeadLetterReason.UNKNOWN_SCHEMA, "writer schema fingerprint "
                    + String.format("%016x", Long.reverseBytes(fingerprint))
                    + " is unknown (register the producer's schema with input.avro.writer-schemas)");
        }
        body.check(bytes, HEADER);
        if (fingerprint == OWN) return decodeOwn(bytes);
        SensorReading r;
        try {
            r = decoder.decode(bytes);
        } catch (IOException | AvroRuntimeException e) {
            // e.g. a writer schema that does not resolve to the job's, or an int varint over 5 bytes
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e);
        }
        List<Float> list = r.getValues();
        float[] values = new float[list.size()];
        for (int i = 0; i < values.length; i++) values[i] = list.get(i);
        return new Reading(r.getSensorId(), r.getTimestamp().toEpochMilli(), values);
    }

    /**
     * The job's own schema (sensorId, timestamp, values), read in field order: the same values as
     * Avro's decoder gives, without a {@code Float} per value and the generic list holding them.
     * Only after {@link AvroBodyCheck} passed: every length and count fits the bytes, none are left over.
     */
    private static Reading decodeOwn(byte[] bytes) throws DecodeException {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
        try {
            String sensorId = in.readString();
            long timestamp = in.readLong();
            float[] values = new float[0];
            int n = 0;
            for (long block = in.readArrayStart(); block != 0; block = in.arrayNext()) {
                if (n + block > (bytes.length - HEADER) / 4) throw new IOException("more floats than bytes"); // the check rules it out
                values = Arrays.copyOf(values, n + (int) block); // one block in practice
                for (long i = 0; i < block; i++) values[n++] = in.readFloat();
            }
            return new Reading(sensorId, timestamp, values);
        } catch (IOException | AvroRuntimeException e) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + e);
        }
    }
}
