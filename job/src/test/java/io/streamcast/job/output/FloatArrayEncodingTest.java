package io.streamcast.job.output;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationRecords;
import io.streamcast.job.records.AvroSingleObject;
import io.streamcast.job.records.WindowForecast;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The unboxed array writer must give Avro's own bytes: consumers decode with the generated classes. */
class FloatArrayEncodingTest {
    private static final Random RANDOM = new Random(5);

    private static float[] floats(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) RANDOM.nextGaussian() * 100;
        a[0] = Float.NaN; // any float, bit for bit
        return a;
    }

    private static List<Float> boxed(float[] a) {
        List<Float> l = new ArrayList<>();
        for (float v : a) l.add(v);
        return l;
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

    @Test
    void aForecastEncodesToTheBytesOfAvrosOwnEncoderAndDecodesToItsValues() throws Exception {
        WindowForecast f = forecast(4, 3);
        f.targets = new String[] {"a", "b", "c"};
        f.lower = floats(12);
        f.upper = floats(12);
        f.coverage = 0.9f;

        byte[] ours = ForecastRecords.encode(ForecastRecords.toAvro(f));
        Forecast reference = ForecastRecords.toAvro(f);
        reference.setValues(boxed(f.values));
        reference.setLower(boxed(f.lower));
        reference.setUpper(boxed(f.upper));
        assertArrayEquals(AvroSingleObject.encode(Forecast.getEncoder(), reference), ours);

        Forecast back = Forecast.getDecoder().decode(ours);
        assertEquals(f.values.length, back.getValues().size());
        for (int i = 0; i < f.values.length; i++) {
            assertEquals(Float.floatToRawIntBits(f.values[i]), Float.floatToRawIntBits(back.getValues().get(i)), "value " + i);
        }
        assertEquals(f.issuedAt, back.getIssuedAt().toEpochMilli(), "logical types still convert");
        assertEquals(boxed(f.upper).toString(), back.getUpper().toString());
    }

    @Test
    void theReusedBufferHoldsNothingOfTheRecordBefore() throws Exception {
        WindowForecast large = forecast(24, 30); // larger than the buffer's initial 4 KB
        WindowForecast small = forecast(1, 1);
        for (WindowForecast f : new WindowForecast[] {large, small, large}) {
            Forecast reference = ForecastRecords.toAvro(f);
            reference.setValues(boxed(f.values));
            assertArrayEquals(AvroSingleObject.encode(Forecast.getEncoder(), reference), ForecastRecords.encode(ForecastRecords.toAvro(f)));
        }
    }

    @Test
    void aForecastWithoutIntervalsCarriesEmptyBounds() throws Exception {
        WindowForecast f = forecast(2, 1);

        byte[] ours = ForecastRecords.encode(ForecastRecords.toAvro(f));
        Forecast reference = ForecastRecords.toAvro(f);
        reference.setValues(boxed(f.values));
        assertArrayEquals(AvroSingleObject.encode(Forecast.getEncoder(), reference), ours);
        Forecast back = Forecast.getDecoder().decode(ours);
        assertEquals(0, back.getLower().size());
        assertEquals(0, back.getUpper().size());
    }

    @Test
    void anEvaluationEncodesToTheBytesOfAvrosOwnEncoder() throws Exception {
        EvaluatedForecast e = new EvaluatedForecast();
        e.sensorId = "s-2";
        e.issuedAt = 1_700_000_000_000L;
        e.modelName = "m";
        e.modelVersion = "1";
        e.horizon = 5;
        e.channels = 2;
        e.stepMillis = 0;
        e.lastActualAt = 1_700_000_005_000L;
        e.modelAbs = floats(5);
        e.modelSq = floats(5);
        e.modelAbsNorm = floats(5);
        e.modelSqNorm = floats(5);
        e.repeatAbs = floats(5);
        e.repeatSq = floats(5);
        e.repeatAbsNorm = floats(5);
        e.repeatSqNorm = floats(5);

        byte[] ours = EvaluationRecords.encode(EvaluationRecords.toAvro(e));
        ForecastEvaluation reference = EvaluationRecords.toAvro(e);
        reference.setModelAbsError(boxed(e.modelAbs));
        reference.setRepeatSquaredErrorNormalized(boxed(e.repeatSqNorm));
        assertArrayEquals(AvroSingleObject.encode(ForecastEvaluation.getEncoder(), reference), ours);
        assertEquals(boxed(e.repeatSqNorm).toString(), EvaluationRecords.decode(ours).getRepeatSquaredErrorNormalized().toString());
    }
}
