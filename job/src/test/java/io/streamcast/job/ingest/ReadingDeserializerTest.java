package io.streamcast.job.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.records.Reading;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class ReadingDeserializerTest {
    static final Reading GOOD = new Reading("s-1", 1_718_000_000_000L, new float[] {1.5f, -2f, 3.25f});

    /** A newer producer's schema: one more field, with a default, so it resolves to the job's schema. */
    static final String NEWER_SCHEMA = """
            {"type":"record","name":"SensorReading","namespace":"io.streamcast.avro","fields":[
              {"name":"sensorId","type":"string"},
              {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"values","type":{"type":"array","items":"float"}},
              {"name":"unit","type":"string","default":"raw"}]}""";

    @Test
    void avroReadingsDecode() {
        Ingested in = deserialize(Format.AVRO, List.of(), ReadingEncoder.avro(GOOD));
        assertEquals(GOOD, in.reading);
        assertNull(in.failure);
        assertEquals("readings", in.topic);
        assertEquals(3, in.partition);
        assertEquals(42L, in.offset);
    }

    @Test
    void jsonReadingsDecodeWithEpochOrIsoTimestamps() {
        assertEquals(GOOD, deserialize(Format.JSON, List.of(), ReadingEncoder.json(GOOD)).reading);
        String iso = "{\"sensorId\":\"s-1\",\"timestamp\":\"" + Instant.ofEpochMilli(GOOD.timestamp) + "\",\"values\":[1.5,-2,3.25]}";
        assertEquals(GOOD, deserialize(Format.JSON, List.of(), utf8(iso)).reading);
        String offset = "{\"sensorId\":\"s-1\",\"timestamp\":\"2024-06-10T08:13:20+02:00\",\"values\":[1.5,-2,3.25]}";
        assertEquals(GOOD, deserialize(Format.JSON, List.of(), utf8(offset)).reading);
    }

    @Test
    void nonFiniteJsonNumbersDecodeSoThatValidationNamesThem() {
        Ingested in = deserialize(Format.JSON, List.of(), utf8("{\"sensorId\":\"s\",\"timestamp\":1,\"values\":[NaN,1e300,-Infinity]}"));
        assertTrue(Float.isNaN(in.reading.values[0]));
        assertEquals(Float.POSITIVE_INFINITY, in.reading.values[1], "beyond float range");
        assertEquals(Float.NEGATIVE_INFINITY, in.reading.values[2]);
        Ingested strings = deserialize(Format.JSON, List.of(), ReadingEncoder.json(new Reading("s", 1L, new float[] {Float.NaN, Float.POSITIVE_INFINITY})));
        assertTrue(Float.isNaN(strings.reading.values[0]), "Jackson writes NaN as the string \"NaN\"");
        assertEquals(Float.POSITIVE_INFINITY, strings.reading.values[1]);
    }

    @Test
    void compatibleWriterSchemaResolvesOnceRegistered() throws Exception {
        Schema newer = new Schema.Parser().parse(NEWER_SCHEMA);
        GenericRecord r = new GenericData.Record(newer);
        r.put("sensorId", "s-9");
        r.put("timestamp", 1_718_000_000_000L);
        r.put("values", new GenericData.Array<>(newer.getField("values").schema(), List.of(4f, 5f)));
        r.put("unit", "kV");
        ByteBuffer buf = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), newer).encode(r);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);

        Ingested unknown = deserialize(Format.AVRO, List.of(), bytes);
        assertEquals(DeadLetterReason.UNKNOWN_SCHEMA.name(), unknown.failure, unknown.failureDetail);

        Ingested resolved = deserialize(Format.AVRO, List.of(NEWER_SCHEMA), bytes);
        assertEquals(new Reading("s-9", 1_718_000_000_000L, new float[] {4f, 5f}), resolved.reading);
    }

    @Test
    void everyDecodeFailureBecomesADeadLetterReasonNeverAnException() {
        byte[] avro = ReadingEncoder.avro(GOOD);
        byte[] otherFingerprint = avro.clone();
        otherFingerprint[5] ^= 0x5a;
        byte[] truncated = Arrays.copyOf(avro, avro.length - 5);
        byte[] negativeLength = avro.clone();
        negativeLength[10] = 0x01; // zig-zag -1 as the sensorId length

        assertFailure(Format.AVRO, null, DeadLetterReason.EMPTY_PAYLOAD);
        assertFailure(Format.AVRO, new byte[0], DeadLetterReason.EMPTY_PAYLOAD);
        assertFailure(Format.AVRO, utf8("hello, not avro"), DeadLetterReason.UNDECODABLE);
        assertFailure(Format.AVRO, truncated, DeadLetterReason.UNDECODABLE);
        assertFailure(Format.AVRO, negativeLength, DeadLetterReason.UNDECODABLE);
        assertFailure(Format.AVRO, otherFingerprint, DeadLetterReason.UNKNOWN_SCHEMA);

        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":"), DeadLetterReason.UNDECODABLE);
        assertFailure(Format.JSON, avro, DeadLetterReason.UNDECODABLE);
        assertFailure(Format.JSON, utf8("[1,2,3]"), DeadLetterReason.UNDECODABLE);
        assertFailure(Format.JSON, utf8("{\"timestamp\":1,\"values\":[1]}"), DeadLetterReason.MISSING_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"values\":[1]}"), DeadLetterReason.MISSING_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":1,\"values\":null}"), DeadLetterReason.MISSING_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":1,\"values\":\"1,2\"}"), DeadLetterReason.INVALID_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":1,\"values\":[1,\"x\"]}"), DeadLetterReason.INVALID_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":17,\"timestamp\":1,\"values\":[1]}"), DeadLetterReason.INVALID_FIELD);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":\"yesterday\",\"values\":[1]}"), DeadLetterReason.BAD_TIMESTAMP);
        assertFailure(Format.JSON, utf8("{\"sensorId\":\"s\",\"timestamp\":1.5,\"values\":[1]}"), DeadLetterReason.BAD_TIMESTAMP);
    }

    @Test
    void failuresKeepTheSensorIdWhenItWasRead() {
        Ingested in = deserialize(Format.JSON, List.of(), utf8("{\"sensorId\":\"s-5\",\"timestamp\":\"later\",\"values\":[1]}"));
        assertEquals("s-5", in.failureSensorId);
        DeadLetter d = in.reject(DeadLetterReason.valueOf(in.failure), in.failureDetail, 99L);
        assertEquals("s-5", d.sensorId);
        assertEquals(99L, d.rejectedAt);
        assertSame(in.payload, d.payload);
    }

    private static void assertFailure(Format format, byte[] bytes, DeadLetterReason expected) {
        Ingested in = deserialize(format, List.of(), bytes);
        assertNull(in.reading, () -> "decoded " + in.reading + " from " + Arrays.toString(bytes));
        assertEquals(expected.name(), in.failure, in.failureDetail);
        assertTrue(in.failureDetail != null && !in.failureDetail.isBlank());
        assertArrayEquals(bytes, in.payload, "the original bytes are kept for the DLQ");
    }

    static Ingested deserialize(Format format, List<String> schemas, byte[] value) {
        ReadingDeserializer d = new ReadingDeserializer(format, schemas);
        d.open(null);
        List<Ingested> out = new ArrayList<>();
        d.deserialize(new ConsumerRecord<>("readings", 3, 42L, utf8("key"), value), new Collector<>() {
            @Override
            public void collect(Ingested record) {
                out.add(record);
            }

            @Override
            public void close() {
            }
        });
        assertEquals(1, out.size());
        return out.get(0);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
