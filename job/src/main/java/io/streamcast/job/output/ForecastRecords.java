package io.streamcast.job.output;

import io.streamcast.job.records.AvroSingleObject;
import io.streamcast.avro.Forecast;
import io.streamcast.job.records.WindowForecast;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The job's {@link WindowForecast} as the published Avro {@link Forecast} (the consumer contract). */
public final class ForecastRecords {
    private ForecastRecords() {
    }

    public static Forecast toAvro(WindowForecast f) {
        List<Float> values = floats(f.values);
        return Forecast.newBuilder()
                .setSensorId(f.sensorId)
                .setIssuedAt(Instant.ofEpochMilli(f.issuedAt))
                .setModelName(f.modelName)
                .setModelVersion(f.modelVersion)
                .setHead(f.head)
                .setStepMillis(f.stepMillis)
                .setHorizon(f.horizon)
                .setChannels(f.channels)
                .setValues(values)
                .setProducedAt(Instant.ofEpochMilli(f.producedAt))
                .setTargets(f.targets == null ? List.of() : List.of(f.targets))
                .setLower(floats(f.lower))
                .setUpper(floats(f.upper))
                .setCoverage(f.lower == null ? 0f : f.coverage)
                .build();
    }

    private static List<Float> floats(float[] a) {
        if (a == null) return List.of();
        List<Float> l = new ArrayList<>(a.length);
        for (float v : a) l.add(v);
        return l;
    }

    /** Avro single-object encoding (marker, schema fingerprint, body). */
    public static byte[] encode(Forecast f) {
        return AvroSingleObject.encode(Forecast.getEncoder(), f);
    }
}
