package io.streamcast.job.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.avro.Forecast;
import io.streamcast.avro.ForecastEvaluation;
import io.streamcast.job.evaluation.EvaluatedForecast;
import io.streamcast.job.evaluation.EvaluationRecords;
import io.streamcast.job.testing.Forecasts;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.junit.jupiter.api.Test;

/**
 * Schema v2 of Forecast and ForecastEvaluation adds fields with defaults: a consumer built on v1 (kept in
 * src/test/resources/avro) decodes v2 records once it knows the v2 writer schema, and v1 records read
 * with v2 get the defaults.
 */
class ForecastSchemaEvolutionTest {

    static Schema v1(String name) throws Exception {
        try (InputStream in = ForecastSchemaEvolutionTest.class.getResourceAsStream("/avro/" + name + ".v1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void aV1ConsumerReadsV2Forecasts() throws Exception {
        byte[] bytes = ForecastRecords.encode(Forecasts.oneTargetWithIntervals());
        BinaryMessageDecoder<GenericRecord> old = new BinaryMessageDecoder<>(GenericData.get(), v1("Forecast"));
        // single-object encoding names the writer schema by fingerprint: the consumer must know v2
        assertThrows(MissingSchemaException.class, () -> old.decode(bytes));
        old.addSchema(Forecast.getClassSchema());
        GenericRecord r = old.decode(bytes);
        assertEquals("t1", r.get("sensorId").toString());
        assertEquals(1, r.get("channels"));
        assertEquals(List.of(10f, 11f), r.get("values"));
        assertNull(r.getSchema().getField("targets"), "v1 has no targets field");
    }

    @Test
    void v1ForecastsReadWithV2GetTheDefaults() throws Exception {
        Schema v1 = v1("Forecast");
        GenericRecord r = new GenericData.Record(v1);
        r.put("sensorId", "t1");
        r.put("issuedAt", 1_000L);
        r.put("modelName", "m");
        r.put("modelVersion", "1");
        r.put("head", "flat");
        r.put("stepMillis", 0L);
        r.put("horizon", 1);
        r.put("channels", 2);
        r.put("values", List.of(1f, 2f));
        r.put("producedAt", 2_000L);
        byte[] bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();
        BinaryMessageDecoder<Forecast> decoder = Forecast.createDecoder(null);
        decoder.addSchema(v1);
        Forecast f = decoder.decode(bytes);
        assertEquals(List.of(1f, 2f), f.getValues());
        assertEquals(List.of(), f.getTargets(), "v1 writers forecast every channel");
        assertEquals(List.of(), f.getLower());
        assertEquals(0f, f.getCoverage());
    }

    @Test
    void aV1ConsumerReadsV2Evaluations() throws Exception {
        EvaluatedForecast e = new EvaluatedForecast();
        e.sensorId = "t1";
        e.issuedAt = 1_000;
        e.modelName = "m";
        e.modelVersion = "3";
        e.horizon = 2;
        e.channels = 1;
        e.stepMillis = 60_000;
        e.lastActualAt = 3_000;
        e.modelAbs = new float[] {0.5f, 2f};
        e.modelSq = new float[] {0.25f, 4f};
        e.modelAbsNorm = new float[] {0.25f, 1f};
        e.modelSqNorm = new float[] {0.0625f, 1f};
        e.repeatAbs = new float[] {0.5f, 3f};
        e.repeatSq = new float[] {0.25f, 9f};
        e.repeatAbsNorm = new float[] {0.25f, 1.5f};
        e.repeatSqNorm = new float[] {0.0625f, 2.25f};
        e.inInterval = new float[] {1f, 0f};
        e.coverage = 0.9f;

        byte[] bytes = EvaluationRecords.encode(e);
        BinaryMessageDecoder<GenericRecord> old = new BinaryMessageDecoder<>(GenericData.get(), v1("ForecastEvaluation"));
        old.addSchema(ForecastEvaluation.getClassSchema());
        GenericRecord r = old.decode(bytes);
        assertEquals(List.of(0.5f, 2f), r.get("modelAbsError"));
        assertEquals(Instant.ofEpochMilli(1_000).toEpochMilli(), r.get("issuedAt"));
    }
}
