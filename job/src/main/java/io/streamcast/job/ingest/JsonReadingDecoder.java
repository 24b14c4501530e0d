package io.streamcast.job.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.streamcast.job.records.Reading;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * JSON readings with the Avro schema's field names:
 * {@code {"sensorId":"s1","timestamp":1718000000000,"values":[1.5,2.0]}}; the timestamp may also be
 * ISO-8601 ({@code "2024-06-10T06:13:20Z"} or with an offset). NaN and Infinity, as literals or as
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (how Jackson writes them), are
 * read and then rejected by validation as NON_FINITE_VALUE rather than as malformed JSON.
 */
public final class JsonReadingDecoder implements ReadingDecoder {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private static final java.util.Map<String, Float> NON_FINITE = java.util.Map.of(
            "NaN", Float.NaN, "Infinity", Float.POSITIVE_INFINITY, "+Infinity", Float.POSITIVE_INFINITY,
            "-Infinity", Float.NEGATIVE_INFINITY);

    @Override
    public Reading decode(byte[] bytes) throws DecodeException {
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "malformed JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "malformed JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "a reading must be a JSON object, got "
                    + (root == null ? "nothing" : root.getNodeType().toString().toLowerCase()));
        }
        JsonNode id = required(root, "sensorId", null);
        if (!id.isTextual()) {
            throw new DecodeException(DeadLetterReason.INVALID_FIELD, "sensorId must be a string, got " + id.getNodeType().toString().toLowerCase());
        }
        String sensorId = id.asText();
        long timestamp = timestamp(required(root, "timestamp", sensorId), sensorId);
        JsonNode vals = required(root, "values", sensorId);
        if (!vals.isArray()) {
            throw new DecodeException(DeadLetterReason.INVALID_FIELD, "values must be an array of numbers", sensorId);
        }
        float[] values = new float[vals.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode v = vals.get(i);
            Float nonFinite = v.isTextual() ? NON_FINITE.get(v.asText()) : null;
            if (nonFinite != null) {
                // Jackson and others write non-finite floats as strings by default
                values[i] = nonFinite;
                continue;
            }
            if (!v.isNumber()) {
                throw new DecodeException(DeadLetterReason.INVALID_FIELD,
                        "values[" + i + "] must be a number, got " + v.getNodeType().toString().toLowerCase(), sensorId);
            }
            values[i] = (float) v.doubleValue();
        }
        return new Reading(sensorId, timestamp, values);
    }

    private static JsonNode required(JsonNode root, String field, String sensorId) throws DecodeException {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            throw new DecodeException(DeadLetterReason.MISSING_FIELD, "field '" + field + "' is missing", sensorId);
        }
        return n;
    }

    private static long timestamp(JsonNode n, String sensorId) throws DecodeException {
        if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
        if (n.isTextual()) {
            String s = n.asText().trim();
            try {
                return Instant.parse(s).toEpochMilli();
            } catch (DateTimeParseException e) {
                try {
                    return OffsetDateTime.parse(s).toInstant().toEpochMilli();
                } catch (DateTimeParseException e2) {
                    throw new DecodeException(DeadLetterReason.BAD_TIMESTAMP,
                            "timestamp '" + s + "' is neither epoch millis nor ISO-8601 (e.g. 2024-06-10T06:13:20Z)", sensorId);
                }
            }
        }
        throw new DecodeException(DeadLetterReason.BAD_TIMESTAMP,
                "timestamp must be epoch millis (integer) or an ISO-8601 string, got " + n, sensorId);
    }
}
