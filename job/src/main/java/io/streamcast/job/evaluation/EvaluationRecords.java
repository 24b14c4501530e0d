package io.streamcast.job.evaluation;

import static io.streamcast.job.records.AvroFloats.boxed;

import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.records.AvroBinaryWriter;
import io.streamcast.job.records.AvroSingleObject;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** {@link EvaluatedForecast} as the published Avro {@link ForecastEvaluation}, and back. */
public final class EvaluationRecords {
    private EvaluationRecords() {
    }

    static {
        AvroBinaryWriter.requireFields(ForecastEvaluation.getClassSchema(), List.of("sensorId", "issuedAt", "modelName",
                "modelVersion", "horizon", "channels", "stepMillis", "lastActualAt", "modelAbsError", "modelSquaredError",
                "modelAbsErrorNormalized", "modelSquaredErrorNormalized", "repeatAbsError", "repeatSquaredError",
                "repeatAbsErrorNormalized", "repeatSquaredErrorNormalized", "inInterval", "coverage"));
    }

    private static final ThreadLocal<AvroBinaryWriter> WRITER = AvroBinaryWriter.forThread(ForecastEvaluation.getClassSchema());

    /** Avro single-object encoding of {@code e} as a {@link ForecastEvaluation}: the bytes Avro's encoder writes for {@link #toAvro}{@code (e)}. */
    public static byte[] encode(EvaluatedForecast e) {
        return WRITER.get().start()
                .writeString(e.sensorId)
                .writeLong(e.issuedAt)
                .writeString(e.modelName)
                .writeString(e.modelVersion)
                .writeInt(e.horizon)
                .writeInt(e.channels)
                .writeLong(e.stepMillis)
                .writeLong(e.lastActualAt)
                .writeFloats(e.modelAbs)
                .writeFloats(e.modelSq)
                .writeFloats(e.modelAbsNorm)
                .writeFloats(e.modelSqNorm)
                .writeFloats(e.repeatAbs)
                .writeFloats(e.repeatSq)
                .writeFloats(e.repeatAbsNorm)
                .writeFloats(e.repeatSqNorm)
                .writeFloats(e.inInterval)
                .writeFloat(e.coverage)
                .toByteArray();
    }

    /** The Avro record (a copy): what {@link #encode(EvaluatedForecast)} writes. */
    public static ForecastEvaluation toAvro(EvaluatedForecast e) {
        return ForecastEvaluation.newBuilder()
                .setSensorId(e.sensorId)
                .setIssuedAt(Instant.ofEpochMilli(e.issuedAt))
                .setModelName(e.modelName)
                .setModelVersion(e.modelVersion)
                .setHorizon(e.horizon)
                .setChannels(e.channels)
                .setStepMillis(e.stepMillis)
                .setLastActualAt(Instant.ofEpochMilli(e.lastActualAt))
                .setModelAbsError(boxed(e.modelAbs))
                .setModelSquaredError(boxed(e.modelSq))
                .setModelAbsErrorNormalized(boxed(e.modelAbsNorm))
                .setModelSquaredErrorNormalized(boxed(e.modelSqNorm))
                .setRepeatAbsError(boxed(e.repeatAbs))
                .setRepeatSquaredError(boxed(e.repeatSq))
                .setRepeatAbsErrorNormalized(boxed(e.repeatAbsNorm))
                .setRepeatSquaredErrorNormalized(boxed(e.repeatSqNorm))
                .setInInterval(boxed(e.inInterval))
                .setCoverage(e.coverage)
                .build();
    }

    /** Avro single-object encoding of an Avro record (Avro's own encoder). */
    public static byte[] encode(ForecastEvaluation e) {
        return AvroSingleObject.encode(ForecastEvaluation.getEncoder(), e);
    }

    /** Decodes one record of the evaluation topic; IOException when the bytes are not one. */
    public static ForecastEvaluation decode(byte[] bytes) throws IOException {
        return ForecastEvaluation.getDecoder().decode(bytes);
    }
}
