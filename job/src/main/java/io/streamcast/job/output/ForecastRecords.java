package io.streamcast.job.output;

import io.streamcast.job.records.SingleObjectEncoder;
import io.streamcast.job.records.FloatArrayEncoding;
import io.streamcast.avro.Forecast;
import io.streamcast.job.records.WindowForecast;
import java.time.Instant;
import java.util.List;

/** The job's {@link WindowForecast} as the published Avro {@link Forecast} (the consumer contract). */
public final class ForecastRecords {
    private ForecastRecords() {
    }

    private static final SingleObjectEncoder<Forecast> ENCODER =
            FloatArrayEncoding.encoder(new Forecast().getSpecificData(), Forecast.getClassSchema());

    /** The Avro record; its values and bounds are views of {@code f}'s arrays (no copy): encode it before they change. */
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
                .setValues(FloatArrayEncoding.list(f.values))
                .setProducedAt(Instant.ofEpochMilli(f.producedAt))
                .setTargets(f.targets == null ? List.of() : List.of(f.targets))
                .setLower(floats(f.lower))
                .setUpper(floats(f.upper))
                .setCoverage(f.lower == null ? 0f : f.coverage)
                .build();
    }

    /** A forecast without intervals carries empty bounds (the schema's default). */
    private static List<Float> floats(float[] a) {
        return a == null ? List.of() : FloatArrayEncoding.list(a);
    }

    /** Avro single-object encoding (marker, schema fingerprint, body). */
    public static byte[] encode(Forecast f) {
        return ENCODER.encode(f);
    }
}
