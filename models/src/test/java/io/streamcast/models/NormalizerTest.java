package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    @Test
    void fitUsesPopulationStdPerChannel() {
        float[][] rows = {{1, 10}, {2, 10}, {3, 10}, {6, 10}};
        Normalizer n = Normalizer.fit(rows, WindowNorm.NONE);
        assertEquals(3f, n.mean()[0], 1e-6);
        // population std of 1,2,3,6: sqrt((4+1+0+9)/4) = sqrt(3.5)
        assertEquals((float) Math.sqrt(3.5), n.std()[0], 1e-6);
        assertEquals(10f, n.mean()[1], 1e-6);
        assertEquals(1f, n.std()[1], 0, "a constant channel keeps std 1 instead of dividing by zero");
    }

    @Test
    void normaliseThenDenormaliseIsIdentity() {
        Normalizer n = new Normalizer(new float[] {5, -2}, new float[] {3, 0.25f}, WindowNorm.NONE);
        for (float v : new float[] {-100, -1, 0, 0.5f, 7, 1234}) {
            for (int c = 0; c < 2; c++) assertEquals(v, n.denormalize(c, n.normalize(c, v)), 1e-3);
        }
        float[] raw = {8, -2, 5, -1.75f};
        float[] z = new float[4];
        n.normalizeWindow(raw, z);
        assertArrayEquals(new float[] {1, 0, 0, 1}, z, 1e-6f);
    }

    @Test
    void windowOffsets() {
        float[] z = {1, 10, 2, 20, 6, 30}; // 3 steps x 2 channels, time-major
        float[] off = new float[2];
        Normalizer.identity(2).withWindowNorm(WindowNorm.LAST).windowOffset(z, 3, off);
        assertArrayEquals(new float[] {6, 30}, off);
        Normalizer.identity(2).withWindowNorm(WindowNorm.MEAN).windowOffset(z, 3, off);
        assertArrayEquals(new float[] {3, 20}, off, 1e-6f);
        Normalizer.identity(2).windowOffset(z, 3, off);
        assertArrayEquals(new float[] {0, 0}, off);
    }

    @Test
    void jsonRoundTrip() throws Exception {
        Normalizer n = new Normalizer(new float[] {1.25f, -3e-7f, 123456.78f}, new float[] {0.1f, 2, 3}, WindowNorm.MEAN);
        String text = new ObjectMapper().writeValueAsString(n.toJson());
        Normalizer back = Normalizer.fromJson(new ObjectMapper().readTree(text));
        assertEquals(n, back);
        assertArrayEquals(n.mean(), back.mean(), 0f);
        assertArrayEquals(n.std(), back.std(), 0f);
        assertEquals(WindowNorm.MEAN, back.windowNorm());
    }

    @Test
    void badJsonAndStatsAreRejected() throws Exception {
        ObjectMapper om = new ObjectMapper();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Normalizer.fromJson(om.readTree("{\"mean\":[1],\"std\":\"x\"}")));
        assertEquals("normalizer.std: expected an array of numbers", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Normalizer(new float[] {0}, new float[] {0}, null));
        assertThrows(IllegalArgumentException.class, () -> new Normalizer(new float[] {0, 1}, new float[] {1}, null));
    }
}
