package io.streamcast.job.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationRecords;
import io.streamcast.job.records.AvroSingleObject;
import io.streamcast.job.records.WindowForecast;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The job writes its records field by field: every byte must be what Avro's own encoder writes for the
 * generated record the job's record stands for (mapped below, the consumer contract), as consumers
 * decode with the generated classes.
 */
class AvroRecordEncodingTest {
    private static final Random RANDOM = new Random(5);

    private static float[] floats(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) RANDOM.nextGaussian() * 100;
        if (n > 0) a[0] = Float.intBitsToFloat(0x7fc00001); // a NaN that is not the canonical one: bits are kept as they are
        if (n > 1) a[1] = -0f;
        return a;
    }

    private static String text() {
        String[] pool = {"s-1", "", "ü-sensor", "温度", "\uD83D\uDE00", "x".repeat(200), "a\u0000b"};
        return pool[RANDOM.nextInt(pool.length)];
    }

    private static long anyLong() {
        long[] edge = {0, -1, 1, 63, 64, -64, -65, Long.MAX_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return RANDOM.nextBoolean() ? edge[RANDOM.nextInt(edge.length)] : RANDOM.nextLong();
    }

    private static WindowForecast forecast(int horizon, int channels) {
        WindowForecast f = new WindowForecast();
        f.sensorId = "s-1";
        f.issuedAt = 1_700_000_000_123L;
        f.modelName = "m";
        f.modelVersion = "3";
        f.head = "flat";
        f.stepMillis = 60_000;
        f.horizon = horizon;
        f.channels = channels;
        f.values = floats(horizon * channels);
        f.producedAt = 1_700_000_000_456L;
        return f;
    }

    private static List<Float> boxed(float[] a) {
        List<Float> out = new ArrayList<>();
        if (a != null) for (float v : a) out.add(v);
        return out;
    }

    /** The published record a forecast stands for: no intervals = empty bounds and coverage 0, no names = empty targets. */
    private static Forecast avroForecast(WindowForecast f) {
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

    private static ForecastEvaluation avroEvaluation(EvaluatedForecast e) {
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

    private static byte[] avros(WindowForecast f) {
        return AvroSingleObject.encode(Forecast.getEncoder(), avroForecast(f));
    }

    private static byte[] avros(EvaluatedForecast e) {
        return AvroSingleObject.encode(ForecastEvaluation.getEncoder(), avroEvaluation(e));
    }

    @Test
    void aForecastEncodesToTheBytesOfAvrosOwnEncoderAndDecodesToItsValues() throws Exception {
        WindowForecast f = forecast(4, 3);
        f.targets = new String[] {"a", "b", "c"};
        f.lower = floats(12);
        f.upper = floats(12);
        f.coverage = 0.9f;

        byte[] ours = ForecastRecords.encode(f);
        assertArrayEquals(avros(f), ours);

        Forecast back = Forecast.getDecoder().decode(ours);
        assertEquals(f.values.length, back.getValues().size());
        for (int i = 0; i < f.values.length; i++) {
            assertEquals(Float.floatToRawIntBits(f.values[i]), Float.floatToRawIntBits(back.getValues().get(i)), "value " + i);
        }
        assertEquals(f.issuedAt, back.getIssuedAt().toEpochMilli(), "logical types still convert");
        assertEquals(boxed(f.upper).toString(), back.getUpper().toString());
        assertEquals(List.of("a", "b", "c"), back.getTargets().stream().map(CharSequence::toString).toList());
    }

    @Test
    void randomForecastsOfEverySizeAndFieldValueEncodeToAvrosBytes() {
        for (int i = 0; i < 500; i++) {
            WindowForecast f = forecast(RANDOM.nextInt(30), RANDOM.nextInt(40));
            f.sensorId = text();
            f.modelName = text();
            f.modelVersion = text();
            f.head = text();
            f.issuedAt = anyLong();
            f.producedAt = anyLong();
            f.stepMillis = anyLong();
            f.horizon = (int) anyLong();
            f.channels = (int) anyLong();
            if (RANDOM.nextBoolean()) {
                f.targets = new String[RANDOM.nextInt(5)];
                for (int t = 0; t < f.targets.length; t++) f.targets[t] = text();
            }
            if (RANDOM.nextBoolean()) {
                f.lower = floats(f.values.length);
                f.upper = floats(f.values.length);
                f.coverage = RANDOM.nextFloat();
            }
            assertArrayEquals(avros(f), ForecastRecords.encode(f), "forecast " + i);
        }
    }

    @Test
    void theReusedBufferHoldsNothingOfTheRecordBefore() {
        WindowForecast large = forecast(24, 30); // larger than the buffer's initial 4 KB
        WindowForecast small = forecast(1, 1);
        for (WindowForecast f : new WindowForecast[] {large, small, large, small}) {
            assertArrayEquals(avros(f), ForecastRecords.encode(f));
        }
    }

    @Test
    void aForecastWithoutIntervalsCarriesEmptyBoundsAndCoverageZero() throws Exception {
        WindowForecast f = forecast(2, 1);
        f.coverage = 0.5f; // without bounds it means nothing

        byte[] ours = ForecastRecords.encode(f);
        assertArrayEquals(avros(f), ours);
        Forecast back = Forecast.getDecoder().decode(ours);
        assertEquals(0, back.getLower().size());
        assertEquals(0, back.getUpper().size());
        assertEquals(0f, back.getCoverage());
    }

    @Test
    void anEvaluationEncodesToTheBytesOfAvrosOwnEncoder() throws Exception {
        for (int i = 0; i < 200; i++) {
            int h = RANDOM.nextInt(12);
            EvaluatedForecast e = new EvaluatedForecast();
            e.sensorId = text();
            e.issuedAt = anyLong();
            e.modelName = text();
            e.modelVersion = text();
            e.horizon = h;
            e.channels = (int) anyLong();
            e.stepMillis = anyLong();
            e.lastActualAt = anyLong();
            e.modelAbs = floats(h);
            e.modelSq = floats(h);
            e.modelAbsNorm = floats(h);
            e.modelSqNorm = floats(h);
            e.repeatAbs = floats(h);
            e.repeatSq = floats(h);
            e.repeatAbsNorm = floats(h);
            e.repeatSqNorm = floats(h);
            if (RANDOM.nextBoolean()) {
                e.inInterval = floats(h);
                e.coverage = RANDOM.nextFloat();
            }
            byte[] ours = EvaluationRecords.encode(e);
            assertArrayEquals(avros(e), ours, "evaluation " + i);
            assertEquals(boxed(e.repeatSqNorm).toString(),
                    EvaluationRecords.decode(ours).getRepeatSquaredErrorNormalized().toString());
        }
    }

    /** The order the writers write their fields in: a schema change must change them too (and fails here first). */
    @Test
    void theSchemasHaveTheFieldsTheWritersWriteInTheirOrder() {
        assertEquals(List.of("sensorId", "issuedAt", "modelName", "modelVersion", "head", "stepMillis", "horizon",
                "channels", "values", "producedAt", "targets", "lower", "upper", "coverage"), fieldNames(Forecast.getClassSchema()));
        assertEquals(List.of("sensorId", "issuedAt", "modelName", "modelVersion", "horizon", "channels", "stepMillis",
                "lastActualAt", "modelAbsError", "modelSquaredError", "modelAbsErrorNormalized", "modelSquaredErrorNormalized",
                "repeatAbsError", "repeatSquaredError", "repeatAbsErrorNormalized", "repeatSquaredErrorNormalized",
                "inInterval", "coverage"), fieldNames(ForecastEvaluation.getClassSchema()));
    }

    private static List<String> fieldNames(Schema schema) {
        return schema.getFields().stream().map(Schema.Field::name).toList();
    }
}
