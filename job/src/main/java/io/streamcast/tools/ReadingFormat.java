package io.streamcast.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.avro.SensorReading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Wire formats of the sensor-readings topic. */
public enum ReadingFormat {
    /** Avro single-object encoding of {@link SensorReading} (a 10-byte header carries the schema fingerprint). */
    AVRO {
        @Override
        public byte[] encode(String sensorId, long timestampMillis, float[] values) {
            List<Float> boxed = new ArrayList<>(values.length);
            for (float v : values) {
                boxed.add(v);
            }
            SensorReading reading = SensorReading.newBuilder()
                    .setSensorId(sensorId)
                    .setTimestamp(Instant.ofEpochMilli(timestampMillis))
                    .setValues(boxed)
                    .build();
            try {
                ByteBuffer buffer = SensorReading.getEncoder().encode(reading);
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                return bytes;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    },
    /** UTF-8 JSON with the Avro schema's field names: {"sensorId":..., "timestamp":epochMillis, "values":[...]}. */
    JSON {
        @Override
        public byte[] encode(String sensorId, long timestampMillis, float[] values) {
            ObjectNode node = MAPPER.createObjectNode();
            node.put("sensorId", sensorId);
            node.put("timestamp", timestampMillis);
            ArrayNode array = node.putArray("values");
            for (float v : values) {
                array.add(v);
            }
            try {
                return MAPPER.writeValueAsBytes(node);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    private static final ObjectMapper MAPPER = new ObjectMapper();

    public abstract byte[] encode(String sensorId, long timestampMillis, float[] values);
}
