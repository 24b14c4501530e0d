package io.streamcast.job.ingest;

import io.streamcast.job.records.AvroSingleObject;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamcast.avro.SensorReading;
import io.streamcast.job.config.JobConfig;
import io.streamcast.job.records.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A {@link Reading} in one of the input formats: what producers write to the readings topic. */
public final class ReadingEncoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReadingEncoder() {
    }

    public static byte[] encode(Reading r, JobConfig.Format format) {
        return format == JobConfig.Format.AVRO ? avro(r) : json(r);
    }

    /** Avro single-object encoding of {@code SensorReading}. */
    public static byte[] avro(Reading r) {
        List<Float> values = new ArrayList<>(r.values.length);
        for (float v : r.values) values.add(v);
        SensorReading sr = new SensorReading(r.sensorId, Instant.ofEpochMilli(r.timestamp), values);
        return AvroSingleObject.encode(SensorReading.getEncoder(), sr);
    }

    /** {@code {"sensorId":...,"timestamp":epochMillis,"values":[...]}} */
    public static byte[] json(Reading r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("sensorId", r.sensorId);
        n.put("timestamp", r.timestamp);
        ArrayNode a = n.putArray("values");
        for (float v : r.values) a.add(v);
        try {
            return MAPPER.writeValueAsBytes(n);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
