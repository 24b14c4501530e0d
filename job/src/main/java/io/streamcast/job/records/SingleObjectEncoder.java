package io.streamcast.job.records;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;

/**
 * Avro single-object encoding (the 2 marker bytes, the schema's 8-byte CRC-64-AVRO fingerprint,
 * little-endian, then the binary body) of records of one schema, the same bytes as Avro's
 * {@code BinaryMessageEncoder}. The body goes through a buffered encoder into a buffer reused per
 * thread: Avro's message encoder writes every float byte by byte into a growing stream and copies
 * the result twice, which cost as much as the rest of a forecast's encoding. Thread-safe.
 */
public final class SingleObjectEncoder<T> {
    private final byte[] header = new byte[10];
    private final DatumWriter<T> writer;
    private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);

    SingleObjectEncoder(Schema schema, DatumWriter<T> writer) {
        this.writer = writer;
        header[0] = (byte) 0xC3;
        header[1] = (byte) 0x01;
        long fingerprint = SchemaNormalization.parsingFingerprint64(schema);
        for (int i = 0; i < 8; i++) header[2 + i] = (byte) (fingerprint >>> (8 * i));
    }

    private static final class Buffer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        BinaryEncoder encoder;
    }

    public byte[] encode(T record) {
        Buffer b = buffers.get();
        b.out.reset();
        b.out.write(header, 0, header.length);
        b.encoder = EncoderFactory.get().binaryEncoder(b.out, b.encoder);
        try {
            writer.write(record, b.encoder);
            b.encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.out.toByteArray();
    }
}
