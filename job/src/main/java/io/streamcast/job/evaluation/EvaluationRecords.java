package io.streamcast.job.evaluation;

import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.records.SingleObjectEncoder;
import java.io.IOException;
import java.time.Instant;
import io.streamcast.job.records.FloatArrayEncoding;
import java.util.List;

/** {@link EvaluatedForecast} as the published Avro {@link ForecastEvaluation}, and back. */
public final class EvaluationRecords {
    private EvaluationRecords() {
    }

    private static final SingleObjectEncoder<ForecastEvaluation> ENCODER =
            FloatArrayEncoding.encoder(new ForecastEvaluation().getSpecificData(), ForecastEvaluation.getClassSchema());

    /** The Avro record; its error arrays are views of {@code e}'s (no copy): encode it before they change. */
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
                .setModelAbsError(list(e.modelAbs))
                .setModelSquaredError(list(e.modelSq))
                .setModelAbsErrorNormalized(list(e.modelAbsNorm))
                .setModelSquaredErrorNormalized(list(e.modelSqNorm))
                .setRepeatAbsError(list(e.repeatAbs))
                .setRepeatSquaredError(list(e.repeatSq))
                .setRepeatAbsErrorNormalized(list(e.repeatAbsNorm))
                .setRepeatSquaredErrorNormalized(list(e.repeatSqNorm))
                .setInInterval(list(e.inInterval == null ? new float[0] : e.inInterval))
                .setCoverage(e.coverage)
                .build();
    }

    /** Avro single-object encoding (marker, schema fingerprint, body). */
    public static byte[] encode(ForecastEvaluation e) {
        return ENCODER.encode(e);
    }

    /** Decodes one record of the evaluation topic; IOException when the bytes are not one. */
    public static ForecastEvaluation decode(byte[] bytes) throws IOException {
        return ForecastEvaluation.getDecoder().decode(bytes);
    }

    private static List<Float> list(float[] a) {
        return FloatArrayEncoding.list(a);
    }
}
