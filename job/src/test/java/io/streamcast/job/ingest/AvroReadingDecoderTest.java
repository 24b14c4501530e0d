package io.streamcast.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.avro.SensorReading;
import io.streamcast.job.records.Reading;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** The job's own schema is decoded field by field: the same readings as Avro's decoder gives. */
class AvroReadingDecoderTest {
    private final AvroReadingDecoder decoder = new AvroReadingDecoder(List.of());

    private static byte[] encode(String sensor, long ts, float[] values) throws Exception {
        List<Float> list = new ArrayList<>();
        for (float v : values) list.add(v);
        ByteBuffer b = SensorReading.getEncoder().encode(new SensorReading(sensor, Instant.ofEpochMilli(ts), list));
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void readingsOfTheOwnSchemaDecodeToWhatAvroWrote() throws Exception {
        Random rnd = new Random(7);
        String[] ids = {"s", "bench-00042", "Sensor ü 温度", ""};
        for (int i = 0; i < 2000; i++) {
            float[] values = new float[rnd.nextInt(40)];
            for (int c = 0; c < values.length; c++) {
                values[c] = switch (rnd.nextInt(8)) {
                    case 0 -> Float.NaN;
                    case 1 -> -0f;
                    case 2 -> Float.POSITIVE_INFINITY;
                    default -> (float) rnd.nextGaussian() * 1e3f;
                };
            }
            String id = ids[rnd.nextInt(ids.length)] + i;
            long ts = rnd.nextLong();
            Reading r = decoder.decode(encode(id, ts, values));
            assertEquals(id, r.sensorId);
            assertEquals(ts, r.timestamp);
            assertArrayEquals(values, r.values);
        }
    }

    @Test
    void valuesWrittenInSeveralBlocksAreAllRead() throws Exception {
        float[] values = new float[100];
        for (int c = 0; c < values.length; c++) values[c] = c * 0.5f;
        byte[] single = encode("s", 1234, values);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        // a blocking encoder writes arrays in blocks of a negative count and a byte size, as Avro allows
        BinaryEncoder e = EncoderFactory.get().blockingBinaryEncoder(body, null);
        e.writeString("s");
        e.writeLong(1234);
        e.writeArrayStart();
        e.setItemCount(values.length);
        for (float v : values) {
            e.startItem();
            e.writeFloat(v);
        }
        e.writeArrayEnd();
        e.flush();
        byte[] blocked = new byte[10 + body.size()];
        System.arraycopy(single, 0, blocked, 0, 10); // marker and the schema's fingerprint
        System.arraycopy(body.toByteArray(), 0, blocked, 10, body.size());
        assertEquals(false, Arrays.equals(single, blocked), "the test encodes differently");
        Reading r = decoder.decode(blocked);
        assertArrayEquals(values, r.values);
        assertEquals(1234, r.timestamp);
    }

    @Test
    void aTruncatedBodyIsADecodeException() throws Exception {
        byte[] ok = encode("s", 1, new float[] {1, 2, 3});
        DecodeException e = assertThrows(DecodeException.class, () -> decoder.decode(Arrays.copyOf(ok, ok.length - 2)));
        assertEquals(DeadLetterReason.UNDECODABLE, e.reason());
    }
}
