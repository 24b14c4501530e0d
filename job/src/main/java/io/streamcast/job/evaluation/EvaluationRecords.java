package io.streamcast.job.evaluation;

import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.records.AvroBinaryWriter;
import java.io.IOException;

/** {@link EvaluatedForecast} as the published Avro {@link ForecastEvaluation}, and back. */
public final class EvaluationRecords {
    private EvaluationRecords() {
    }

    private static final ThreadLocal<AvroBinaryWriter> WRITER = AvroBinaryWriter.forThread(ForecastEvaluation.getClassSchema());

    /** Avro single-object encoding of {@code e} as a {@link ForecastEvaluation}, its fields in the schema's order. */
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

    /** Decodes one record of the evaluation topic; IOException when the bytes are not one. */
    public static ForecastEvaluation decode(byte[] bytes) throws IOException {
        return ForecastEvaluation.getDecoder().decode(bytes);
    }
}
