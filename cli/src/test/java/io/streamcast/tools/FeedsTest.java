package io.streamcast.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.streamcast.command.UsageError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeedsTest {
    @TempDir
    Path dir;

    @Test
    void syntheticSensorsAreReproducibleDistinctAndSmooth() {
        SyntheticSensors a = new SyntheticSensors(3, 7);
        SyntheticSensors b = new SyntheticSensors(3, 7);
        assertEquals(List.of("sim-000", "sim-001", "sim-002"), a.sensorIds());
        assertEquals(7, a.channels().size());
        int steps = 500;
        double[] series = new double[steps];
        for (int i = 0; i < steps; i++) {
            float[] va = a.next(0);
            assertArrayEquals(va, b.next(0), "same seed, same values");
            assertEquals(7, va.length);
            for (float v : va) {
                assertTrue(Float.isFinite(v));
            }
            series[i] = va[6];
        }
        assertFalse(Arrays.equals(a.next(1), a.next(2)), "sensors differ");
        // smooth: consecutive readings are strongly correlated (noise is small against the cycle)
        assertTrue(lag1Autocorrelation(series) > 0.9, "lag-1 autocorrelation " + lag1Autocorrelation(series));
    }

    @Test
    void syntheticNeedsASensor() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticSensors(0, 1));
    }

    @Test
    void csvReplayStartsSensorsAtOffsetsAndWraps() throws Exception {
        Path csv = dir.resolve("Plant.csv");
        Files.writeString(csv, "date,a,b\n"
                + "2020-01-01 00:00,1,10\n2020-01-01 01:00,2,20\n2020-01-01 02:00,3,30\n2020-01-01 03:00,4,40\n");
        CsvReplay replay = new CsvReplay(csv, 2);
        assertEquals(List.of("plant-0", "plant-1"), replay.sensorIds());
        assertEquals(List.of("a", "b"), replay.channels());
        assertArrayEquals(new float[] {1, 10}, replay.next(0));
        assertArrayEquals(new float[] {3, 30}, replay.next(1));
        assertArrayEquals(new float[] {4, 40}, replay.next(1));
        assertArrayEquals(new float[] {1, 10}, replay.next(1), "wraps to the first row");
        assertArrayEquals(new float[] {2, 20}, replay.next(0));
    }

    @Test
    void csvReplayNamesTheBadCell() throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "date,a,b\n2020-01-01 00:00,1,10\n2020-01-01 01:00,x,20\n");
        UsageError e = assertThrows(UsageError.class, () -> new CsvReplay(csv, 1));
        assertTrue(e.getMessage().contains("line 3 column a"), e.getMessage());
        Files.writeString(csv, "date,a,b\n2020-01-01 00:00,1\n");
        e = assertThrows(UsageError.class, () -> new CsvReplay(csv, 1));
        assertTrue(e.getMessage().contains("line 2: 2 columns, header has 3"), e.getMessage());
        assertThrows(UsageError.class, () -> new CsvReplay(dir.resolve("missing.csv"), 1));
    }

    @Test
    void csvReplayReadsTheRepositorysEttData() {
        Path ett = Path.of("../data/ett/ETTh1.csv");
        CsvReplay replay = new CsvReplay(ett, 3);
        assertEquals(List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"), replay.channels());
        assertTrue(replay.rowCount() > 17_000, "rows " + replay.rowCount());
        assertFalse(Arrays.equals(replay.next(0), replay.next(1)), "offset sensors differ");
    }

    private static double lag1Autocorrelation(double[] x) {
        double mean = Arrays.stream(x).average().orElseThrow();
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            den += (x[i] - mean) * (x[i] - mean);
            if (i > 0) {
                num += (x[i] - mean) * (x[i - 1] - mean);
            }
        }
        return num / den;
    }
}
