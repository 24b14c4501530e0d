package io.streamcast.job.records;

import java.io.IOException;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.apache.avro.Conversion;
import org.apache.avro.Schema;
import org.apache.avro.io.Encoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Avro {@code array<float>} fields written straight from {@code float[]}: Avro's generated classes
 * hold such fields as {@code List<Float>}, and its writer boxes every element on the way out. A
 * record built with {@link #list} and encoded by {@link #encoder} writes the same bytes without a
 * {@code Float} per value; every other field (and any other list) goes through Avro unchanged.
 */
public final class FloatArrayEncoding {
    private FloatArrayEncoding() {
    }

    /** A read-only {@code List<Float>} view of {@code values} (no copy); the values must not change until encoded. */
    public static List<Float> list(float[] values) {
        return new FloatList(values);
    }

    /**
     * A single-object encoder for {@code schema} using the conversions (logical types) of the record
     * class's own {@code model}, whose writer writes {@link #list} views without boxing.
     */
    public static <T> SingleObjectEncoder<T> encoder(SpecificData model, Schema schema) {
        SpecificData unboxed = new SpecificData();
        for (Conversion<?> c : model.getConversions()) unboxed.addLogicalTypeConversion(c);
        return new SingleObjectEncoder<>(schema, new Writer<>(schema, unboxed));
    }

    private static final class FloatList extends AbstractList<Float> implements RandomAccess {
        final float[] values;

        FloatList(float[] values) {
            this.values = values;
        }

        @Override
        public Float get(int index) {
            return values[index];
        }

        @Override
        public int size() {
            return values.length;
        }
    }

    private static final class Writer<T> extends SpecificDatumWriter<T> {
        Writer(Schema schema, SpecificData model) {
            super(schema, model);
        }

        @Override
        protected void writeArray(Schema schema, Object datum, Encoder out) throws IOException {
            if (!(datum instanceof FloatList list) || schema.getElementType().getType() != Schema.Type.FLOAT) {
                super.writeArray(schema, datum, out);
                return;
            }
            out.writeArrayStart();
            out.setItemCount(list.values.length);
            for (float v : list.values) {
                out.startItem();
                out.writeFloat(v);
            }
            out.writeArrayEnd();
        }
    }
}
