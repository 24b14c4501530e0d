package io.streamcast.job.ingest;

import io.streamcast.avro.Forecast;
import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.records.Reading;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.LongSupplier;
import org.apache.avro.SchemaNormalization;

/**
 * A seeded stream of hostile Kafka records for the readings topic, each with the dead-letter reason
 * the job must give it: random bytes, empty and null values and keys, a valid reading truncated at
 * every byte offset, single-bit flips, Avro lengths and counts up to 2^31-1, unknown and
 * valid-but-wrong schema fingerprints, readings dated minutes to centuries ahead or decades back,
 * JSON type confusion, deep nesting, duplicate keys, NaN/±Infinity/1e39, too many channels, 1 MB
 * sensor ids and records near the broker's 1 MB limit ({@link #kinds()} lists them all). The
 * kinds take turns in rounds, the two megabyte kinds once every {@link #HEAVY_EVERY} rounds.
 *
 * <p>The expected reasons assume the job's default input limits and validation settings
 * ({@link InputLimits#DEFAULTS}, validation.max-ahead 5m, validation.max-timestamp-skew 7d), the
 * readings' channel count given here, and no registered extra writer schemas. No test dependency:
 * tools can send the same junk to a live topic.
 */
public final class JunkRecords {
    /** One record: its kind, key (may be null), value (may be null) and the reason the job must dead-letter it with. */
    public record Junk(String kind, byte[] key, byte[] value, DeadLetterReason reason) {
    }

    private interface Maker {
        Junk make(JunkRecords g, String kind);
    }

    /** @param every the kind takes its turn in every this many rounds (the megabyte kinds are rare) */
    private record Kind(String name, Maker maker, int every) {
        Kind(String name, Maker maker) {
            this(name, maker, 1);
        }
    }

    /** Rounds between two turns of a kind of about a megabyte. */
    public static final int HEAVY_EVERY = 25;

    /** A little under the broker's default message.max.bytes (1 MiB + 12) and the producer's max.request.size (1 MiB). */
    public static final int NEAR_BROKER_MAX = 1_000_000;

    private static final List<Kind> KINDS = List.of(
            new Kind("random bytes", (g, k) -> g.undecodable(k, g.randomBytes(1 + g.rnd.nextInt(300)))),
            new Kind("random bytes, null key", (g, k) -> new Junk(k, null, g.randomBytes(1 + g.rnd.nextInt(64)), DeadLetterReason.UNDECODABLE)),
            new Kind("empty value", (g, k) -> new Junk(k, g.key(), new byte[0], DeadLetterReason.EMPTY_PAYLOAD)),
            new Kind("null value (tombstone)", (g, k) -> new Junk(k, g.key(), null, DeadLetterReason.EMPTY_PAYLOAD)),
            new Kind("null key and value", (g, k) -> new Junk(k, null, null, DeadLetterReason.EMPTY_PAYLOAD)),
            new Kind("empty key, empty value", (g, k) -> new Junk(k, new byte[0], new byte[0], DeadLetterReason.EMPTY_PAYLOAD)),
            new Kind("valid reading truncated at every offset", JunkRecords::truncated),
            new Kind("single-bit flip", JunkRecords::bitFlip),
            new Kind("Avro string length 2^31-1", (g, k) -> g.undecodable(k, g.avroBody(varLong(Integer.MAX_VALUE), g.randomBytes(8)))),
            new Kind("Avro 1.5 GB string", (g, k) -> g.undecodable(k, g.avroBody(varLong(1_500_000_000L)))),
            new Kind("Avro array of 2^31-1 floats", (g, k) -> g.undecodable(k, g.avroBody(g.avroIdAndTime(), varLong(Integer.MAX_VALUE), g.randomBytes(12)))),
            new Kind("Avro array of 400M floats", (g, k) -> g.undecodable(k, g.avroBody(g.avroIdAndTime(), varLong(400_000_000L)))),
            new Kind("Avro negative block count, huge block size", (g, k) -> g.undecodable(k,
                    g.avroBody(g.avroIdAndTime(), varLong(-3), varLong(Long.MAX_VALUE / 2), new byte[12]))),
            new Kind("Avro negative string length", (g, k) -> g.undecodable(k, g.avroBody(varLong(-5), g.randomBytes(20)))),
            new Kind("Avro 11-byte varint", (g, k) -> g.undecodable(k, g.avroBody(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 1}))),
            new Kind("Avro bytes after the record", (g, k) -> g.undecodable(k, concat(g.encode(g.reading("junk-trail", 0)), g.randomBytes(1 + g.rnd.nextInt(8))))),
            new Kind("unknown schema fingerprint", JunkRecords::unknownFingerprint),
            new Kind("valid-but-wrong fingerprint (Forecast)", JunkRecords::wrongFingerprint),
            new Kind("minutes ahead", (g, k) -> g.dated(k, Duration.ofMinutes(10 + g.rnd.nextInt(50)).toMillis(), DeadLetterReason.TIMESTAMP_AHEAD)),
            new Kind("hours ahead", (g, k) -> g.dated(k, Duration.ofHours(1 + g.rnd.nextInt(23)).toMillis(), DeadLetterReason.TIMESTAMP_AHEAD)),
            new Kind("days ahead", (g, k) -> g.dated(k, Duration.ofDays(1 + g.rnd.nextInt(3650)).toMillis(), DeadLetterReason.TIMESTAMP_AHEAD)),
            new Kind("decades back", (g, k) -> g.dated(k, -Duration.ofDays(3650L * (1 + g.rnd.nextInt(5))).toMillis(), DeadLetterReason.TIMESTAMP_OUT_OF_RANGE)),
            new Kind("timestamp Long.MAX_VALUE", (g, k) -> g.at(k, Long.MAX_VALUE, DeadLetterReason.TIMESTAMP_AHEAD)),
            new Kind("timestamp Long.MIN_VALUE", (g, k) -> g.at(k, Long.MIN_VALUE, DeadLetterReason.TIMESTAMP_OUT_OF_RANGE)),
            new Kind("NaN", (g, k) -> g.withValue(k, Float.NaN)),
            new Kind("+Infinity", (g, k) -> g.withValue(k, Float.POSITIVE_INFINITY)),
            new Kind("-Infinity", (g, k) -> g.withValue(k, Float.NEGATIVE_INFINITY)),
            new Kind("JSON NaN/Infinity literals and 1e39", JunkRecords::jsonNonFinite),
            new Kind("one channel too many", (g, k) -> g.channels(k, g.channels + 1)),
            new Kind("5,000 channels", (g, k) -> g.channels(k, 5_000)),
            new Kind("no channels", (g, k) -> g.channels(k, 0)),
            new Kind("empty sensorId", (g, k) -> g.reasonFor(k, new Reading("", g.now(), g.values()), DeadLetterReason.EMPTY_SENSOR_ID)),
            new Kind("300-byte sensorId", (g, k) -> g.reasonFor(k, new Reading("x".repeat(300), g.now(), g.values()), DeadLetterReason.SENSOR_ID_TOO_LONG)),
            new Kind("1 MB sensorId", (g, k) -> g.reasonFor(k, new Reading("m".repeat(1_000_000), g.now(), g.values()), DeadLetterReason.OVERSIZED), HEAVY_EVERY),
            new Kind("record near the broker's maximum size", (g, k) -> new Junk(k, g.key(), g.randomBytes(NEAR_BROKER_MAX), DeadLetterReason.OVERSIZED), HEAVY_EVERY),
            new Kind("100,000 levels of nesting", (g, k) -> new Junk(k, g.key(), nested(100_000), DeadLetterReason.OVERSIZED)),
            new Kind("10,000 levels of nesting in a field", (g, k) -> g.json(k,
                    "{\"sensorId\":\"junk-deep\",\"timestamp\":" + g.now() + ",\"values\":" + g.jsonValues() + ",\"extra\":"
                            + new String(nested(10_000), StandardCharsets.US_ASCII) + "}", DeadLetterReason.UNDECODABLE)),
            new Kind("JSON duplicate key", (g, k) -> g.json(k, "{\"sensorId\":\"junk-dup\",\"timestamp\":" + g.now()
                    + ",\"values\":" + g.jsonValues() + ",\"sensorId\":\"other\"}", DeadLetterReason.UNDECODABLE)),
            new Kind("JSON sensorId a number", (g, k) -> g.json(k, "{\"sensorId\":" + g.rnd.nextInt() + ",\"timestamp\":" + g.now()
                    + ",\"values\":" + g.jsonValues() + "}", DeadLetterReason.INVALID_FIELD)),
            new Kind("JSON values an object", (g, k) -> g.json(k, "{\"sensorId\":\"junk-obj\",\"timestamp\":" + g.now()
                    + ",\"values\":{\"a\":1}}", DeadLetterReason.INVALID_FIELD)),
            new Kind("JSON value a string, boolean or null", (g, k) -> g.json(k, "{\"sensorId\":\"junk-str\",\"timestamp\":" + g.now()
                    + ",\"values\":[" + new String[] {"\"1.5\"", "true", "null", "[1]"}[g.rnd.nextInt(4)] + "]}", DeadLetterReason.INVALID_FIELD)),
            new Kind("JSON timestamp a float, boolean or 1e30", (g, k) -> g.json(k, "{\"sensorId\":\"junk-ts\",\"timestamp\":"
                    + new String[] {"1.7e12", "true", "1000000000000000000000000000000", "{}"}[g.rnd.nextInt(4)] + ",\"values\":"
                    + g.jsonValues() + "}", DeadLetterReason.BAD_TIMESTAMP)),
            new Kind("JSON missing field", (g, k) -> g.json(k, "{\"sensorId\":\"junk-missing\",\"values\":" + g.jsonValues() + "}",
                    DeadLetterReason.MISSING_FIELD)),
            new Kind("JSON 2,000-digit number", (g, k) -> g.json(k, "{\"sensorId\":\"junk-digits\",\"timestamp\":" + g.now()
                    + ",\"values\":[" + "9".repeat(2000) + "]}", DeadLetterReason.UNDECODABLE)),
            new Kind("JSON top-level array or trailing content", (g, k) -> g.json(k, g.rnd.nextBoolean() ? "[1,2,3]"
                    : "{\"sensorId\":\"junk-t\",\"timestamp\":" + g.now() + ",\"values\":" + g.jsonValues() + "} {}", DeadLetterReason.UNDECODABLE)));

    private final Format format;
    private final int channels;
    private final Random rnd;
    private final LongSupplier clock;
    private final int[] turns = new int[KINDS.size()];
    private long round;
    private int next;

    /**
     * @param format   the readings topic's format
     * @param channels the model's channel count C (what a valid reading carries)
     * @param seed     the same seed gives the same records (timestamps aside: they follow {@code clock})
     * @param clock    wall clock, epoch millis
     */
    public JunkRecords(Format format, int channels, long seed, LongSupplier clock) {
        this.format = format;
        this.channels = channels;
        this.rnd = new Random(seed);
        this.clock = clock;
    }

    public JunkRecords(Format format, int channels, long seed) {
        this(format, channels, seed, System::currentTimeMillis);
    }

    /** The names of the kinds, in the order they take turns. */
    public static List<String> kinds() {
        return KINDS.stream().map(Kind::name).toList();
    }

    /** The next record; kinds take turns. */
    public Junk next() {
        while (true) {
            int i = next;
            if (++next == KINDS.size()) {
                next = 0;
                round++;
            }
            Kind k = KINDS.get(i);
            if (round % k.every != 0) continue;
            turns[i]++;
            return k.maker.make(this, k.name);
        }
    }

    /** How many records of the current kind came before this one (cycles through offsets, bits). */
    private int turn(String kind) {
        for (int i = 0; i < KINDS.size(); i++) if (KINDS.get(i).name.equals(kind)) return turns[i] - 1;
        throw new IllegalArgumentException(kind);
    }

    // ---------------------------------------------------------------- kinds

    private static Junk truncated(JunkRecords g, String kind) {
        byte[] whole = g.encode(g.reading("junk-cut", 0));
        int at = g.turn(kind) % whole.length; // every offset in turn, 0 (empty) included
        return new Junk(kind, g.key(), Arrays.copyOf(whole, at), at == 0 ? DeadLetterReason.EMPTY_PAYLOAD : DeadLetterReason.UNDECODABLE);
    }

    /**
     * One bit flipped where the outcome is certain: in Avro the 2 marker bytes, the 8 fingerprint
     * bytes (an unknown schema) and the array's end byte; in JSON the opening and closing brace.
     */
    private static Junk bitFlip(JunkRecords g, String kind) {
        byte[] b = g.encode(g.reading("junk-flip", 0));
        int t = g.turn(kind);
        int bit = t % 8;
        int[] positions = g.format == Format.AVRO ? new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, b.length - 1} : new int[] {0, b.length - 1};
        int pos = positions[(t / 8) % positions.length];
        b[pos] ^= (byte) (1 << bit);
        DeadLetterReason r = g.format == Format.AVRO && pos >= 2 && pos <= 9 ? DeadLetterReason.UNKNOWN_SCHEMA : DeadLetterReason.UNDECODABLE;
        return new Junk(kind, g.key(), b, r);
    }

    private static Junk unknownFingerprint(JunkRecords g, String kind) {
        byte[] b = ReadingEncoder.avro(g.reading("junk-fp", 0));
        byte[] fp = g.randomBytes(8);
        System.arraycopy(fp, 0, b, 2, 8);
        return g.avroOnly(kind, b, DeadLetterReason.UNKNOWN_SCHEMA);
    }

    private static Junk wrongFingerprint(JunkRecords g, String kind) {
        byte[] b = ReadingEncoder.avro(g.reading("junk-forecast", 0));
        long fp = SchemaNormalization.parsingFingerprint64(Forecast.getClassSchema());
        for (int i = 0; i < 8; i++) b[2 + i] = (byte) (fp >>> (8 * i));
        return g.avroOnly(kind, b, DeadLetterReason.UNKNOWN_SCHEMA);
    }

    private static Junk jsonNonFinite(JunkRecords g, String kind) {
        String v = new String[] {"NaN", "Infinity", "-Infinity", "1e39", "-1e39", "1e400", "\"NaN\"", "\"-Infinity\""}[g.rnd.nextInt(8)];
        StringBuilder values = new StringBuilder("[");
        int at = g.rnd.nextInt(g.channels);
        for (int i = 0; i < g.channels; i++) values.append(i == 0 ? "" : ",").append(i == at ? v : "1.5");
        return g.json(kind, "{\"sensorId\":\"junk-nf\",\"timestamp\":" + g.now() + ",\"values\":" + values + "]}", DeadLetterReason.NON_FINITE_VALUE);
    }

    // ---------------------------------------------------------------- helpers

    private long now() {
        return clock.getAsLong();
    }

    private byte[] key() {
        return switch (rnd.nextInt(4)) {
            case 0 -> null;
            case 1 -> new byte[0];
            case 2 -> randomBytes(1 + rnd.nextInt(16));
            default -> ("junk-" + rnd.nextInt(1000)).getBytes(StandardCharsets.UTF_8);
        };
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        // never a valid start of either format: not Avro's marker, not JSON's '{' or whitespace
        if (b[0] == (byte) 0xC3 || b[0] == '{' || b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') b[0] = 0x00;
        return b;
    }

    private float[] values() {
        float[] v = new float[channels];
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        return v;
    }

    private String jsonValues() {
        return new String(ReadingEncoder.json(new Reading("x", 0, values())), StandardCharsets.UTF_8)
                .replaceAll("^.*\"values\":", "").replaceAll("}$", "");
    }

    private Reading reading(String sensorId, long offsetMillis) {
        return new Reading(sensorId, now() + offsetMillis, values());
    }

    private byte[] encode(Reading r) {
        return ReadingEncoder.encode(r, format);
    }

    /** Bytes that are junk in either format, unless too large to be decoded at all. */
    private Junk undecodable(String kind, byte[] value) {
        return new Junk(kind, key(), value, value.length > InputLimits.DEFAULTS.maxRecordBytes() ? DeadLetterReason.OVERSIZED : DeadLetterReason.UNDECODABLE);
    }

    /** Avro bytes: {@code reason} on an Avro topic, undecodable on a JSON one. */
    private Junk avroOnly(String kind, byte[] value, DeadLetterReason reason) {
        return new Junk(kind, key(), value, format == Format.AVRO ? reason : DeadLetterReason.UNDECODABLE);
    }

    /** JSON text: {@code reason} on a JSON topic, undecodable on an Avro one. */
    private Junk json(String kind, String text, DeadLetterReason reason) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length > InputLimits.DEFAULTS.maxRecordBytes()) return new Junk(kind, key(), b, DeadLetterReason.OVERSIZED);
        return new Junk(kind, key(), b, format == Format.JSON ? reason : DeadLetterReason.UNDECODABLE);
    }

    /** A well-formed reading in the topic's format that breaks one rule. */
    private Junk reasonFor(String kind, Reading r, DeadLetterReason reason) {
        byte[] b = encode(r);
        return new Junk(kind, key(), b, b.length > InputLimits.DEFAULTS.maxRecordBytes() ? DeadLetterReason.OVERSIZED : reason);
    }

    private Junk dated(String kind, long offsetMillis, DeadLetterReason reason) {
        return reasonFor(kind, reading("junk-time", offsetMillis), reason);
    }

    private Junk at(String kind, long timestamp, DeadLetterReason reason) {
        return reasonFor(kind, new Reading("junk-time", timestamp, values()), reason);
    }

    private Junk withValue(String kind, float v) {
        float[] values = values();
        values[rnd.nextInt(values.length)] = v;
        return reasonFor(kind, new Reading("junk-nf", now(), values), DeadLetterReason.NON_FINITE_VALUE);
    }

    private Junk channels(String kind, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return reasonFor(kind, new Reading("junk-ch", now(), v), DeadLetterReason.WRONG_CHANNEL_COUNT);
    }

    /** The job's SensorReading header (marker and fingerprint) followed by {@code parts}. */
    private byte[] avroBody(byte[]... parts) {
        byte[] header = Arrays.copyOf(ReadingEncoder.avro(new Reading("", 0, new float[0])), 10);
        byte[][] all = new byte[parts.length + 1][];
        all[0] = header;
        System.arraycopy(parts, 0, all, 1, parts.length);
        return concat(all);
    }

    /** A valid sensorId and timestamp, the start of a body. */
    private byte[] avroIdAndTime() {
        byte[] id = "junk-len".getBytes(StandardCharsets.US_ASCII);
        return concat(varLong(id.length), id, varLong(now()));
    }

    static byte[] varLong(long v) {
        long z = (v << 1) ^ (v >> 63);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((z & ~0x7FL) != 0) {
            out.write((int) ((z & 0x7F) | 0x80));
            z >>>= 7;
        }
        out.write((int) z);
        return out.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    private static byte[] nested(int depth) {
        byte[] b = new byte[2 * depth];
        Arrays.fill(b, 0, depth, (byte) '[');
        Arrays.fill(b, depth, 2 * depth, (byte) ']');
        return b;
    }
}
