package io.streamcast.job.records;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.message.BinaryMessageEncoder;

/** Avro single-object encoding (2 marker bytes, the schema's 8-byte fingerprint, the body) as a byte array. */
public final class AvroSingleObject {
    private AvroSingleObject() {
    }

    public static <T> byte[] encode(BinaryMessageEncoder<T> encoder, T record) {
        try {
            ByteBuffer buf = encoder.encode(record);
            byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
