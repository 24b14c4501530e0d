package io.streamcast.job.records;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Avro single-object encoding (the 2 marker bytes, the schema's 8-byte CRC-64-AVRO fingerprint, then
 * the binary body) written field by field straight from the job's records, for the two records the
 * job publishes at the rate of its forecasts. Avro's datum writer walks the schema per record,
 * converts logical types through {@code Instant}, and needs a generated record of boxed lists built
 * first; here each float is one little-endian store into a reused array (no call per byte). The
 * caller writes the fields in the schema's order; the tests compare every byte with Avro's own
 * encoder and check the schemas' field order, so a schema change fails them until the writer follows.
 *
 * <p>One instance per thread ({@link #forThread}): the buffer is reused, so {@link #toByteArray()}
 * copies the bytes out before the next record.
 */
public final class AvroBinaryWriter {
    private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    /** Beyond this the buffer is dropped after use rather than kept per thread (one oversized record). */
    private static final int KEPT_CAPACITY = 1 << 20;

    private final byte[] header = new byte[10];
    private byte[] buf = new byte[4096];
    private int pos;

    private AvroBinaryWriter(Schema schema) {
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }

    /** A writer per thread for records of {@code schema}. */
    public static ThreadLocal<AvroBinaryWriter> forThread(Schema schema) {
        return ThreadLocal.withInitial(() -> new AvroBinaryWriter(schema));
    }

    /** Starts a record: the single-object header. */
    public AvroBinaryWriter start() {
        if (buf.length > KEPT_CAPACITY) buf = new byte[4096];
        System.arraycopy(header, 0, buf, 0, header.length);
        pos = header.length;
        return this;
    }

    public AvroBinaryWriter writeInt(int v) {
        return writeLong(v);
    }

    /** Zig-zag varint, as Avro writes int and long. */
    public AvroBinaryWriter writeLong(long v) {
        ensure(10);
        long n = (v << 1) ^ (v >> 63);
        while ((n & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        buf[pos++] = (byte) n;
        return this;
    }

    public AvroBinaryWriter writeFloat(float v) {
        ensure(4);
        FLOAT_LE.set(buf, pos, v);
        pos += 4;
        return this;
    }

    /** Length, then the UTF-8 bytes (what Avro writes for a Java String). */
    public AvroBinaryWriter writeString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeLong(utf8.length);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
        return this;
    }

    /** An {@code array<float>}: one block of all values, then the end marker; a null or empty array is the end marker alone. */
    public AvroBinaryWriter writeFloats(float[] values) {
        if (values != null && values.length > 0) {
            writeLong(values.length);
            ensure(4L * values.length);
            for (float v : values) {
                FLOAT_LE.set(buf, pos, v);
                pos += 4;
            }
        }
        return writeLong(0);
    }

    /** An {@code array<string>}, laid out like {@link #writeFloats}. */
    public AvroBinaryWriter writeStrings(String[] values) {
        if (values != null && values.length > 0) {
            writeLong(values.length);
            for (String s : values) writeString(s);
        }
        return writeLong(0);
    }

    /** The record's bytes, copied out of the reused buffer. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(long more) {
        long need = pos + more;
        if (need > buf.length) {
            if (need > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("a record of " + need + " bytes is too large to encode");
            buf = Arrays.copyOf(buf, (int) Math.max(need, Math.min(Integer.MAX_VALUE - 8, 2L * buf.length)));
        }
    }
}
