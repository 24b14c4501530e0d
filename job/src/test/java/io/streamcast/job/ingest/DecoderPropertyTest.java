package io.streamcast.job.ingest;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.streamcast.job.config.JobConfig.Format;
import io.streamcast.job.records.Reading;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Decoding any bytes gives a reading or a {@link DecodeException}, nothing else, and allocates at
 * most a small multiple of the input's size: a seeded loop over {@value #INPUTS} inputs (random
 * bytes, valid Avro and JSON readings with bytes replaced, bits flipped, truncated, spliced with
 * huge varints or JSON tokens, and the junk of {@link JunkRecords}), each decoded by both decoders.
 * Allocation is measured per call with the thread's allocated-bytes counter, after a warm-up.
 */
class DecoderPropertyTest {
    static final int INPUTS = 1_000_000;
    static final long SEED = 20261201L;
    /**
     * Allowed allocation per decode: this many times the input's size, plus {@link #ALLOWANCE} bytes
     * (a parser exception with its stack trace, Jackson's per-parser state: ~17 KB measured).
     */
    static final long FACTOR = 8;
    static final long ALLOWANCE = 32 * 1024;
    /** Inputs decoded before allocation is checked: class loading and first-use caches allocate once. */
    static final int WARM_UP = 20_000;

    private final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private long thread;
    private final long[] nanos = new long[2];

    /** Run in a thread of its own: Jackson's exceptions fill in stack traces, cheaper on a short stack than under JUnit's. */
    @Test
    void decodingAnyBytesGivesAReadingOrADecodeExceptionWithinBoundedMemory() throws Throwable {
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                loop();
            } catch (Throwable e) { // handed to JUnit below
                failure[0] = e;
            }
        }, "decoder-property");
        t.start();
        t.join();
        if (failure[0] != null) throw failure[0];
    }

    private void loop() {
        thread = Thread.currentThread().getId();
        assertTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
        Random rnd = new Random(SEED);
        ReadingDecoder avro = new AvroReadingDecoder(List.of());
        ReadingDecoder json = new JsonReadingDecoder(InputLimits.DEFAULTS);
        JunkRecords avroJunk = new JunkRecords(Format.AVRO, 3, SEED);
        JunkRecords jsonJunk = new JunkRecords(Format.JSON, 3, SEED + 1);
        long[] decoded = new long[2];
        double worstRatio = 0;
        long worstBytes = 0;
        for (int i = 0; i < INPUTS; i++) {
            byte[] input = switch (i % 8) {
                case 0 -> randomBytes(rnd, rnd.nextInt(200));
                case 6 -> junk(avroJunk);
                case 7 -> junk(jsonJunk);
                default -> mutate(rnd, valid(rnd, rnd.nextBoolean() ? Format.AVRO : Format.JSON), i % 8);
            };
            for (int d = 0; d < 2; d++) {
                ReadingDecoder decoder = d == 0 ? avro : json;
                long before = threads.getThreadAllocatedBytes(thread);
                long start = System.nanoTime();
                try {
                    decoder.decode(input);
                    decoded[d]++;
                } catch (DecodeException expected) {
                    // the decoder's own answer: a dead letter
                } catch (RuntimeException e) {
                    fail((d == 0 ? "Avro" : "JSON") + " decoder threw " + e + " on input " + i + ": " + hex(input), e);
                }
                nanos[d] += System.nanoTime() - start;
                long allocated = threads.getThreadAllocatedBytes(thread) - before;
                if (i < WARM_UP) continue;
                if (allocated > FACTOR * input.length + ALLOWANCE) {
                    fail((d == 0 ? "Avro" : "JSON") + " decoder allocated " + allocated + " bytes for " + input.length
                            + " input bytes (input " + i + "): " + hex(input));
                }
                if (allocated > worstBytes) worstBytes = allocated;
                if (input.length > 0) worstRatio = Math.max(worstRatio, (allocated - ALLOWANCE) / (double) input.length);
            }
        }
        // the loop must have exercised successful decodes too, not only failures
        assertTrue(decoded[0] > INPUTS / 100 && decoded[1] > INPUTS / 100, () -> "readings decoded: " + Arrays.toString(decoded));
        System.out.printf("DecoderPropertyTest: %d inputs x 2 decoders, readings decoded (Avro, JSON) %s, "
                + "largest allocation %d bytes, largest (allocation - %d) / input size %.2f; decoding took %d ms (Avro), %d ms (JSON)%n",
                INPUTS, Arrays.toString(decoded), worstBytes, ALLOWANCE, worstRatio, nanos[0] / 1_000_000, nanos[1] / 1_000_000);
    }

    /** A valid reading: random sensorId (some non-ASCII), 0..20 channels, any timestamp. */
    static byte[] valid(Random rnd, Format format) {
        StringBuilder id = new StringBuilder();
        int len = 1 + rnd.nextInt(40);
        for (int k = 0; k < len; k++) id.append(rnd.nextInt(10) == 0 ? (char) (0x80 + rnd.nextInt(0x700)) : (char) ('a' + rnd.nextInt(26)));
        float[] values = new float[rnd.nextInt(21)];
        for (int k = 0; k < values.length; k++) values[k] = (float) (rnd.nextGaussian() * 100);
        long ts = rnd.nextInt(4) == 0 ? rnd.nextLong() : 1_700_000_000_000L + rnd.nextInt(1_000_000_000);
        return ReadingEncoder.encode(new Reading(id.toString(), ts, values), format);
    }

    static byte[] mutate(Random rnd, byte[] b, int how) {
        switch (how) {
            case 1 -> { // a few bytes replaced
                b = b.clone();
                for (int k = 1 + rnd.nextInt(4); k > 0; k--) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                return b;
            }
            case 2 -> { // one bit flipped
                b = b.clone();
                b[rnd.nextInt(b.length)] ^= (byte) (1 << rnd.nextInt(8));
                return b;
            }
            case 3 -> {
                return Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            case 4 -> { // a huge or negative varint (Avro lengths, counts) spliced in
                long v = new long[] {Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, -1, 400_000_000L, 1L << 40}[rnd.nextInt(6)];
                return splice(b, rnd.nextInt(b.length + 1), rnd.nextInt(4), JunkRecords.varLong(v));
            }
            case 5 -> { // JSON tokens spliced in
                String t = new String[] {"[", "{", "]", "}", ",", ":", "\"", "NaN", "-Infinity", "1e39", "null", "\"sensorId\":",
                        "\"values\":[", "[[[[[[[[", "9".repeat(30)}[rnd.nextInt(15)];
                return splice(b, rnd.nextInt(b.length + 1), rnd.nextInt(3), t.getBytes(StandardCharsets.UTF_8));
            }
            default -> { // a random range replaced by random bytes
                int at = rnd.nextInt(b.length + 1);
                return splice(b, at, rnd.nextInt(b.length - at + 1), randomBytes(rnd, rnd.nextInt(16)));
            }
        }
    }

    /** {@code b} with {@code remove} bytes at {@code at} replaced by {@code insert}. */
    static byte[] splice(byte[] b, int at, int remove, byte[] insert) {
        remove = Math.min(remove, b.length - at);
        byte[] out = new byte[b.length - remove + insert.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(b, at + remove, out, at + insert.length, b.length - at - remove);
        return out;
    }

    static byte[] randomBytes(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    /** Junk that the deserialiser would hand to a decoder (the oversized is refused before decoding). */
    static byte[] junk(JunkRecords junk) {
        while (true) {
            byte[] v = junk.next().value();
            if (v != null && v.length > 0 && v.length <= InputLimits.DEFAULTS.maxRecordBytes()) return v;
        }
    }

    static String hex(byte[] b) {
        return b.length <= 256 ? HexFormat.of().formatHex(b) : HexFormat.of().formatHex(b, 0, 256) + "… (" + b.length + " bytes)";
    }
}
