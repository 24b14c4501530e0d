package io.streamcast.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.streamcast.models.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTimeSeriesTest {
    @TempDir
    Path tmp;

    private Path csv(String text) throws Exception {
        Path p = tmp.resolve("data.csv");
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsEtth1() {
        TimeSeries s = CsvTimeSeries.read(TestData.etth1(), null);
        assertEquals(17420, s.length());
        assertEquals(List.of("HUFL", "HULL", "MUFL", "MULL", "LUFL", "LULL", "OT"), s.channels());
        assertEquals("date", s.timeColumn());
        assertEquals(3_600_000L, s.stepMillis());
        assertEquals(30.5310001373291f, s.rows()[0][6], 0f);
        assertEquals("2016-07-01 00:00:00", s.times()[0]);
    }

    @Test
    void columnsSelectByNameInTheGivenOrder() throws Exception {
        Path p = csv("time,x,y,z\n1,1.5,2.5,3.5\n2,4,5,6\n\n");
        TimeSeries s = CsvTimeSeries.read(p, List.of("z", "x"));
        assertEquals(List.of("z", "x"), s.channels());
        assertArrayEquals(new float[] {3.5f, 1.5f}, s.rows()[0]);
        assertArrayEquals(new float[] {6f, 4f}, s.rows()[1]);
        assertEquals(0, s.stepMillis(), "non-date time column: count based");
    }

    @Test
    void errorsNameFileLineColumnAndProblem() throws Exception {
        assertMessage(tmp.resolve("nope.csv"), "file " + tmp.resolve("nope.csv") + ": not found; fix: check the path");
        Path p = csv("");
        assertMessage(p, "file " + p + ": empty; fix: a header line (time column, then numeric columns) and data rows are needed");
        p = csv("2020-01-01,1,2\n2020-01-02,3,4\n");
        assertMessage(p, "file " + p + " line 1: no header (the first line holds numbers); fix: add a header line naming the columns, e.g. date,HUFL,...,OT");
        p = csv("date,a,b\n2020,1,2\n2021,3,x3\n");
        assertMessage(p, "file " + p + " line 3 column 'b': not a number: 'x3'");
        p = csv("date,a,b\n2020,1,2\n2021,3\n");
        assertMessage(p, "file " + p + " line 3: 2 field(s), the header has 3");
        p = csv("date,a,b\n2020,NaN,2\n");
        assertMessage(p, "file " + p + " line 2 column 'a': 'NaN' is not a finite number (NaN/Infinity); fix: fill or drop the row");
        p = csv("date,a,b\n2020,1,\n");
        assertMessage(p, "file " + p + " line 2 column 'b': missing value; fix: fill or drop the row");
        p = csv("date,a,b\n");
        assertMessage(p, "file " + p + ": a header but no data rows");
        p = csv("date\n2020\n");
        assertEquals(true, message(p, null).startsWith("file " + p + " line 1: the header has 1 column(s)"));
        p = csv("date,a,b\n2020,1,2\n");
        assertEquals("file " + p + ": no column 'c'; columns are a,b (fix --columns)", message(p, List.of("c")));
    }

    private static void assertMessage(Path p, String expected) {
        assertEquals(expected, message(p, null));
    }

    private static String message(Path p, List<String> cols) {
        return assertThrows(CsvFormatException.class, () -> CsvTimeSeries.read(p, cols)).getMessage();
    }
}
