package io.streamcast.job.records;

import java.util.ArrayList;
import java.util.List;

/** Avro's generated classes hold {@code array<float>} as {@code List<Float>}. */
public final class AvroFloats {
    private AvroFloats() {
    }

    /** A boxed copy of {@code a}; null is empty (a record without the optional array). */
    public static List<Float> boxed(float[] a) {
        if (a == null) return List.of();
        List<Float> out = new ArrayList<>(a.length);
        for (float v : a) out.add(v);
        return out;
    }
}
