package io.streamcast.models.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SplitTest {

    @Test
    void ettHourlyIsTwelveFourFourMonthsWithLookBack() {
        Split s = Split.standard(Path.of("x/ETTh1.csv"), 17420, 336, null);
        assertEquals(new Split.Range(0, 8640), s.train());
        assertEquals(new Split.Range(8640 - 336, 11520), s.validation());
        assertEquals(new Split.Range(11520 - 336, 14400), s.test());
        assertEquals(2785, s.test().windowCount(336, 96), "published ETTh1 test set size at L=336, H=96");
    }

    @Test
    void ettMinuteIsFourTimesTheRows() {
        Split s = Split.standard(Path.of("ETTm2.csv"), 69680, 96, null);
        assertEquals(new Split.Range(0, 34560), s.train());
        assertEquals(new Split.Range(34560 - 96, 46080), s.validation());
        assertEquals(new Split.Range(46080 - 96, 57600), s.test());
    }

    @Test
    void otherFilesSeventyTenTwenty() {
        Split s = Split.standard(Path.of("mine.csv"), 1000, 10, null);
        assertEquals(new Split.Range(0, 700), s.train());
        assertEquals(new Split.Range(690, 800), s.validation());
        assertEquals(new Split.Range(790, 1000), s.test());
        Split g = Split.standard(Path.of("mine.csv"), 1000, 10, new double[] {0.5, 0.25, 0.25});
        assertEquals(new Split.Range(0, 500), g.train());
        assertEquals(new Split.Range(740, 1000), g.test());
        assertThrows(IllegalArgumentException.class, () -> Split.byFractions(1000, 10, new double[] {0.5, 0.5, 0.5}));
    }

    @Test
    void truncatedEttFileIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Split.standard(Path.of("ETTh1.csv"), 9000, 96, null));
        assertEquals("ETTh1.csv: the standard ETT split needs 14400 rows, the file has 9000; fix: use the unmodified "
                + "ETT file or give --split fractions", e.getMessage());
    }
}
