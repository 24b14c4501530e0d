package io.streamcast.job.ingest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.streamcast.job.records.Reading;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Map;

/**
 * JSON readings with the Avro schema's field names:
 * {@code {"sensorId":"s1","timestamp":1718000000000,"values":[1.5,2.0]}}; the timestamp may also be
 * ISO-8601 ({@code "2024-06-10T06:13:20Z"} or with an offset). NaN and Infinity, as literals or as
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (how Jackson writes them), are
 * read and then rejected by validation as NON_FINITE_VALUE rather than as malformed JSON; so are
 * numbers beyond the float range (1e39).
 *
 * <p>A streaming parser under {@link StreamReadConstraints} (nesting depth, string, name, number
 * and document length), duplicate keys refused, one object and nothing after it; values are read
 * into a float array that stops at {@link InputLimits#maxChannels()}. The whole document is parsed
 * before a field's problem is reported, and problems are reported in the order sensorId,
 * timestamp, values, so the reason does not depend on the order of the fields.
 */
public final class JsonReadingDecoder implements ReadingDecoder {
    /** Depth of anything a producer may add next to the reading's fields; a reading itself needs 2. */
    static final int MAX_NESTING = 32;

    private static final Map<String, Float> NON_FINITE = Map.of(
            "NaN", Float.NaN, "Infinity", Float.POSITIVE_INFINITY, "+Infinity", Float.POSITIVE_INFINITY,
            "-Infinity", Float.NEGATIVE_INFINITY);

    private final JsonFactory factory;
    private final InputLimits limits;
    private float[] scratch = new float[16];

    public JsonReadingDecoder(InputLimits limits) {
        this.limits = limits;
        this.factory = JsonFactory.builder()
                // no shared symbol table: producer-chosen field names must not grow state that outlives a record
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .maxStringLength(limits.maxRecordBytes())
                        .maxNameLength(1024)
                        .maxNumberLength(1000)
                        .maxDocumentLength(limits.maxRecordBytes())
                        .build())
                .build();
    }

    public JsonReadingDecoder() {
        this(InputLimits.DEFAULTS);
    }

    /** What was found for each field: a value, or the first problem with it. */
    private static final class Fields {
        String sensorId;
        DecodeException sensorIdProblem;
        boolean hasTimestamp;
        long timestamp;
        DecodeException timestampProblem;
        float[] values;
        DecodeException valuesProblem;
    }

    @Override
    public Reading decode(byte[] bytes) throws DecodeException {
        Fields f = new Fields();
        try (JsonParser p = factory.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new DecodeException(DeadLetterReason.UNDECODABLE, "a reading must be a JSON object, got "
                        + (first == null ? "nothing" : first.asString() == null ? first.name().toLowerCase() : first.asString()));
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "sensorId" -> sensorId(p, t, f);
                    case "timestamp" -> timestamp(p, t, f);
                    case "values" -> values(p, t, f);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw new DecodeException(DeadLetterReason.UNDECODABLE, "malformed JSON: content after the reading's object");
            }
        } catch (IOException e) {
            // JsonProcessingException and its subclasses: syntax, constraints, duplicate keys
            String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new DecodeException(DeadLetterReason.UNDECODABLE, "malformed JSON: " + abbreviate(m));
        }
        if (f.sensorIdProblem != null) throw f.sensorIdProblem;
        if (f.sensorId == null) throw missing("sensorId", null);
        if (f.timestampProblem != null) throw withSensor(f.timestampProblem, f.sensorId);
        if (!f.hasTimestamp) throw missing("timestamp", f.sensorId);
        if (f.valuesProblem != null) throw withSensor(f.valuesProblem, f.sensorId);
        if (f.values == null) throw missing("values", f.sensorId);
        return new Reading(f.sensorId, f.timestamp, f.values);
    }

    private void sensorId(JsonParser p, JsonToken t, Fields f) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            String id = p.getText();
            if (InputLimits.utf8Length(id) > limits.maxSensorIdBytes()) {
                f.sensorIdProblem = new DecodeException(DeadLetterReason.SENSOR_ID_TOO_LONG, "sensorId has "
                        + InputLimits.utf8Length(id) + " UTF-8 bytes, at most " + limits.maxSensorIdBytes() + " allowed (input.max-sensor-id-bytes)");
            } else {
                f.sensorId = id;
            }
        } else if (t != JsonToken.VALUE_NULL) {
            f.sensorIdProblem = new DecodeException(DeadLetterReason.INVALID_FIELD, "sensorId must be a string, got " + kind(t));
            p.skipChildren();
        }
    }

    private static void timestamp(JsonParser p, JsonToken t, Fields f) throws IOException {
        f.hasTimestamp = t != JsonToken.VALUE_NULL;
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            f.timestamp = p.getLongValue();
        } else if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            try {
                f.timestamp = Instant.parse(s).toEpochMilli();
            } catch (java.time.DateTimeException | ArithmeticException e) {
                try {
                    f.timestamp = OffsetDateTime.parse(s).toInstant().toEpochMilli();
                } catch (java.time.DateTimeException | ArithmeticException e2) {
                    f.timestampProblem = new DecodeException(DeadLetterReason.BAD_TIMESTAMP, "timestamp '" + abbreviate(s)
                            + "' is neither epoch millis nor ISO-8601 (e.g. 2024-06-10T06:13:20Z)");
                }
            }
        } else if (t != JsonToken.VALUE_NULL) {
            f.timestampProblem = new DecodeException(DeadLetterReason.BAD_TIMESTAMP,
                    "timestamp must be epoch millis (an integer within 64 bits) or an ISO-8601 string, got " + kind(t));
            p.skipChildren();
        }
    }

    private void values(JsonParser p, JsonToken t, Fields f) throws IOException {
        if (t == JsonToken.VALUE_NULL) return;
        if (t != JsonToken.START_ARRAY) {
            f.valuesProblem = new DecodeException(DeadLetterReason.INVALID_FIELD, "values must be an array of numbers, got " + kind(t));
            p.skipChildren();
            return;
        }
        int n = 0;
        JsonToken v;
        while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
            float x;
            if (v == JsonToken.VALUE_NUMBER_INT || v == JsonToken.VALUE_NUMBER_FLOAT) {
                x = (float) p.getDoubleValue();
            } else if (v == JsonToken.VALUE_STRING && NON_FINITE.containsKey(p.getText())) {
                // Jackson and others write non-finite floats as strings by default
                x = NON_FINITE.get(p.getText());
            } else {
                f.valuesProblem = new DecodeException(DeadLetterReason.INVALID_FIELD,
                        "values[" + n + "] must be a number, got " + kind(v));
                skipRest(p);
                return;
            }
            if (n == limits.maxChannels()) {
                f.valuesProblem = limits.tooManyValues(null);
                skipRest(p);
                return;
            }
            if (n == scratch.length) scratch = Arrays.copyOf(scratch, Math.min(limits.maxChannels(), 2 * n));
            scratch[n++] = x;
        }
        f.values = Arrays.copyOf(scratch, n);
    }

    /** Skips the rest of the array the parser is in, having just read one of its elements. */
    private static void skipRest(JsonParser p) throws IOException {
        p.skipChildren();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == null) return;
            p.skipChildren();
        }
    }

    private static String kind(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name().toLowerCase();
        };
    }

    private static DecodeException missing(String field, String sensorId) {
        return new DecodeException(DeadLetterReason.MISSING_FIELD, "field '" + field + "' is missing", sensorId);
    }

    private static DecodeException withSensor(DecodeException e, String sensorId) {
        return new DecodeException(e.reason(), e.getMessage(), sensorId);
    }

    /** Details must stay small: they go into the dead letter. */
    static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}
