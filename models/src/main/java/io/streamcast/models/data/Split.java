package io.streamcast.models.data;

import java.nio.file.Path;

/**
 * Chronological train/validation/test row ranges, half-open {@code [start, end)}. Validation and test
 * start {@code window} rows early so their first window's input lies in the previous part, as in the
 * Informer/Autoformer data loaders (every target row of a part belongs to that part).
 */
public record Split(Range train, Range validation, Range test, String protocol) {

    /** Rows [start, end). */
    public record Range(int start, int end) {
        public int length() {
            return end - start;
        }

        /** Number of windows of {@code window + horizon} rows that fit. */
        public int windowCount(int window, int horizon) {
            return Math.max(0, end - start - window - horizon + 1);
        }

        @Override
        public String toString() {
            return "[" + start + ", " + end + ")";
        }
    }

    /**
     * The standard split for a file: ETTh* 12/4/4 months of hourly rows (train [0, 8640), val
     * [8640-L, 11520), test [11520-L, 14400)), ETTm* the same months in 15-minute rows (x4); any other
     * file by fractions (default 0.7/0.1/0.2).
     *
     * @param fractions train, validation, test fractions, or null for the default
     */
    public static Split standard(Path file, int rows, int window, double[] fractions) {
        String name = file.getFileName().toString();
        if (fractions == null && name.startsWith("ETTh")) return ett(rows, window, 1, name);
        if (fractions == null && name.startsWith("ETTm")) return ett(rows, window, 4, name);
        return byFractions(rows, window, fractions == null ? new double[] {0.7, 0.1, 0.2} : fractions);
    }

    private static Split ett(int rows, int window, int perHour, String name) {
        int month = 30 * 24 * perHour;
        int trainEnd = 12 * month;
        int valEnd = trainEnd + 4 * month;
        int testEnd = valEnd + 4 * month;
        if (rows < testEnd) {
            throw new IllegalArgumentException(name + ": the standard ETT split needs " + testEnd + " rows, the file has "
                    + rows + "; fix: use the unmodified ETT file or give --split fractions");
        }
        return new Split(new Range(0, trainEnd), new Range(trainEnd - window, valEnd), new Range(valEnd - window, testEnd),
                "ETT 12/4/4 months (" + (perHour == 1 ? "hourly" : "15-minute") + ")");
    }

    /** Informer's custom-data split: train = floor(n*f0), test = floor(n*f2), validation the rest. */
    public static Split byFractions(int rows, int window, double[] f) {
        if (f.length != 3 || f[0] <= 0 || f[1] <= 0 || f[2] <= 0 || Math.abs(f[0] + f[1] + f[2] - 1) > 1e-6) {
            throw new IllegalArgumentException("split fractions must be three positive numbers summing to 1, got "
                    + java.util.Arrays.toString(f));
        }
        int train = (int) (rows * f[0]);
        int test = (int) (rows * f[2]);
        int val = rows - train - test;
        return new Split(new Range(0, train), new Range(Math.max(0, train - window), train + val),
                new Range(Math.max(0, rows - test - window), rows),
                String.format(java.util.Locale.ROOT, "%.0f/%.0f/%.0f %% of rows", f[0] * 100, f[1] * 100, f[2] * 100));
    }
}
