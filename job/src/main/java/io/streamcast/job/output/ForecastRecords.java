package io.streamcast.job.output;

import static io.streamcast.job.records.AvroFloats.boxed;

import io.streamcast.avro.Forecast;
import io.streamcast.job.records.AvroBinaryWriter;
import io.streamcast.job.records.AvroSingleObject;
import io.streamcast.job.records.WindowForecast;
import java.time.Instant;
import java.util.List;

/** The job's {@link WindowForecast} as the published Avro {@link Forecast} (the consumer contract). */
public final class ForecastRecords {
    private ForecastRecords() {
    }

    static {
        AvroBinaryWriter.requireFields(Forecast.getClassSchema(), List.of("sensorId", "issuedAt", "modelName", "modelVersion",
                "head", "stepMillis", "horizon", "channels", "values", "producedAt", "targets", "lower", "upper", "coverage"));
    }

    private static final ThreadLocal<AvroBinaryWriter> WRITER = AvroBinaryWriter.forThread(Forecast.getClassSchema());

    /**
     * Avro single-object encoding of {@code f} as a {@link Forecast}: the bytes Avro's encoder writes
     * for {@link #toAvro}{@code (f)}, without building it. A forecast without intervals carries empty
     * bounds and coverage 0, one without target names an empty list (the schema's defaults).
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

    /** The Avro record (a copy): what {@link #encode(WindowForecast)} writes, for consumers' code and tests. */
    public static Forecast toAvro(WindowForecast f) {
        return Forecast.newBuilder()
                .setSensorId(f.sensorId)
                .setIssuedAt(Instant.ofEpochMilli(f.issuedAt))
                .setModelName(f.modelName)
                .setModelVersion(f.modelVersion)
                .setHead(f.head)
                .setStepMillis(f.stepMillis)
                .setHorizon(f.horizon)
                .setChannels(f.channels)
                .setValues(boxed(f.values))
                .setProducedAt(Instant.ofEpochMilli(f.producedAt))
                .setTargets(f.targets == null ? List.of() : List.of(f.targets))
                .setLower(boxed(f.lower))
                .setUpper(boxed(f.upper))
                .setCoverage(f.lower == null ? 0f : f.coverage)
                .build();
    }

    /** Avro single-object encoding of an Avro record (Avro's own encoder). */
    public static byte[] encode(Forecast f) {
        return AvroSingleObject.encode(Forecast.getEncoder(), f);
    }
}
