package io.streamcast.job.ingest;

import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without allocating, and fails on the first
 * length, count or index the bytes cannot back: a string or bytes length beyond what is left, an
 * array or map block declaring more items than bytes are left, a union or enum index out of range,
 * a varint longer than 10 bytes, bytes left over at the end. Run before Avro's own decoder, it
 * bounds what that decoder allocates by the record's size (Avro sizes a string or an array from the
 * declared length before reading it). Recursive writer schemas are refused up front, so the walk's
 * depth is the schema's.
 */
final class AvroBodyCheck {
    private static final Schema MAP_KEY = Schema.create(Schema.Type.STRING);
    private final Schema schema;
    private byte[] buf;
    private int pos;

    AvroBodyCheck(Schema schema) {
        requireNotRecursive(schema, new IdentityHashMap<>());
        this.schema = schema;
    }

    private static void requireNotRecursive(Schema s, Map<Schema, Boolean> path) {
        switch (s.getType()) {
            case RECORD -> {
                if (path.put(s, Boolean.TRUE) != null) {
                    throw new IllegalArgumentException("recursive schema " + s.getFullName() + " is not supported as a writer schema");
                }
                for (Schema.Field f : s.getFields()) requireNotRecursive(f.schema(), path);
                path.remove(s);
            }
            case ARRAY -> requireNotRecursive(s.getElementType(), path);
            case MAP -> requireNotRecursive(s.getValueType(), path);
            case UNION -> {
                for (Schema t : s.getTypes()) requireNotRecursive(t, path);
            }
            default -> {
            }
        }
    }

    /** Checks {@code bytes[from..]} holds exactly one body of the schema. */
    void check(byte[] bytes, int from) throws DecodeException {
        buf = bytes;
        pos = from;
        try {
            walk(schema);
            if (pos != buf.length) throw corrupt((buf.length - pos) + " bytes after the end of the record");
        } finally {
            buf = null;
        }
    }

    private void walk(Schema s) throws DecodeException {
        switch (s.getType()) {
            case NULL -> {
            }
            case BOOLEAN -> skip(1, "boolean");
            case INT, LONG -> varLong();
            case FLOAT -> skip(4, "float");
            case DOUBLE -> skip(8, "double");
            case FIXED -> skip(s.getFixedSize(), "fixed");
            case STRING, BYTES -> {
                long n = varLong();
                if (n < 0 || n > remaining()) {
                    throw corrupt("a " + s.getType().getName() + " declares " + n + " bytes, " + remaining() + " left");
                }
                pos += (int) n;
            }
            case ENUM -> index(s.getEnumSymbols().size(), "enum symbol");
            case UNION -> walk(s.getTypes().get(index(s.getTypes().size(), "union branch")));
            case RECORD -> {
                for (Schema.Field f : s.getFields()) walk(f.schema());
            }
            case ARRAY -> blocks(s.getElementType(), false);
            case MAP -> blocks(s.getValueType(), true);
        }
    }

    private void blocks(Schema item, boolean map) throws DecodeException {
        long total = 0;
        while (true) {
            long count = varLong();
            if (count == 0) return;
            if (count < 0) {
                if (count == Long.MIN_VALUE) throw corrupt("block count out of range");
                count = -count;
                long size = varLong();
                if (size < 0 || size > remaining()) throw corrupt("a block declares " + size + " bytes, " + remaining() + " left");
            }
            // every item is taken to need at least one byte, even of a zero-byte type: Avro
            // allocates a slot per declared item before reading any
            total += count;
            if (count > remaining() || total > buf.length) {
                throw corrupt("a " + (map ? "map" : "array") + " block declares " + count + " items, " + remaining() + " bytes left");
            }
            for (long i = 0; i < count; i++) {
                if (map) walk(MAP_KEY);
                walk(item);
            }
        }
    }

    private int index(int size, String what) throws DecodeException {
        long i = varLong();
        if (i < 0 || i >= size) throw corrupt(what + " " + i + " out of range 0.." + (size - 1));
        return (int) i;
    }

    private void skip(int n, String what) throws DecodeException {
        if (n > remaining()) throw corrupt("a " + what + " needs " + n + " bytes, " + remaining() + " left");
        pos += n;
    }

    private int remaining() {
        return buf.length - pos;
    }

    /** A zig-zag varint (Avro int and long). */
    private long varLong() throws DecodeException {
        long raw = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos >= buf.length) throw corrupt("the record ends inside a number");
            int b = buf[pos++] & 0xff;
            raw |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) return (raw >>> 1) ^ -(raw & 1);
        }
        throw corrupt("a number longer than 10 bytes");
    }

    private static DecodeException corrupt(String detail) {
        return new DecodeException(DeadLetterReason.UNDECODABLE, "corrupt Avro body: " + detail);
    }
}
