package io.streamcast.models;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;

/** Small synthetic series and the repository's ETT data for tests. */
public final class TestData {
    private TestData() {
    }

    /** data/ett/ETTh1.csv of the repository (tests run in models/). */
    public static Path etth1() {
        Path p = Path.of("..", "data", "ett", "ETTh1.csv");
        if (!Files.exists(p)) throw new IllegalStateException("missing " + p.toAbsolutePath());
        return p;
    }

    /** Hourly CSV: two noisy sines with different periods, header date,a,b. */
    public static Path sineCsv(Path file, int rows, long seed) throws IOException {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder("date,a,b\n");
        LocalDateTime t = LocalDateTime.of(2020, 1, 1, 0, 0);
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
        for (int i = 0; i < rows; i++) {
            double a = 10 + 3 * Math.sin(2 * Math.PI * i / 12.0) + 0.1 * r.nextGaussian();
            double b = -2 + Math.cos(2 * Math.PI * i / 8.0) + 0.05 * r.nextGaussian();
            sb.append(f.format(t.plusHours(i))).append(',').append((float) a).append(',').append((float) b).append('\n');
        }
        Files.writeString(file, sb.toString());
        return file;
    }
}
