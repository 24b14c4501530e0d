package io.streamcast.job.output;

import io.streamcast.avro.Forecast;
import io.streamcast.job.records.AvroBinaryWriter;
import io.streamcast.job.records.WindowForecast;

/** The job's {@link WindowForecast} as the published Avro {@link Forecast} (the consumer contract). */
public final class ForecastRecords {
    private ForecastRecords() {
    }

    private static final ThreadLocal<AvroBinaryWriter> WRITER = AvroBinaryWriter.forThread(Forecast.getClassSchema());

    /**
     * Avro single-object encoding of {@code f} as a {@link Forecast}, its fields in the schema's order.
     * A forecast without intervals carries empty bounds and coverage 0, one without target names an
     * empty list (the schema's defaults).
     */
    public static byte[] encode(WindowForecast f) {
        return WRITER.get().start()
                .writeString(f.sensorId)
                .writeLong(f.issuedAt)
                .writeString(f.modelName)
                .writeString(f.modelVersion)
                .writeString(f.head)
                .writeLong(f.stepMillis)
                .writeInt(f.horizon)
                .writeInt(f.channels)
                .writeFloats(f.values)
                .writeLong(f.producedAt)
                .writeStrings(f.targets)
                .writeFloats(f.lower)
                .writeFloats(f.upper)
                .writeFloat(f.lower == null ? 0f : f.coverage)
                .toByteArray();
    }
}
