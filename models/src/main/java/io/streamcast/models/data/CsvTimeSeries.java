package io.streamcast.models.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV time series: a header line, then rows of a time column followed by numeric columns
 * (e.g. ETT: {@code date,HUFL,HULL,MUFL,MULL,LUFL,LULL,OT}). Fields are comma-separated and unquoted
 * (surrounding double quotes on a field are removed). Every problem is reported with file, line and column.
 */
public final class CsvTimeSeries {
    private CsvTimeSeries() {
    }

    /**
     * @param columns channel names to keep, in this order; empty or null = every column after the time column
     */
    public static TimeSeries read(Path file, List<String> columns) {
        List<String> lines;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            lines = new ArrayList<>();
            for (String l; (l = r.readLine()) != null; ) lines.add(l);
        } catch (NoSuchFileException e) {
            throw new CsvFormatException("file " + file + ": not found; fix: check the path");
        } catch (IOException e) {
            throw new CsvFormatException("file " + file + ": cannot read (" + e.getMessage() + ")");
        }
        // Trailing blank lines are tolerated; a blank line in between is an error below.
        int end = lines.size();
        while (end > 0 && lines.get(end - 1).isBlank()) end--;
        if (end == 0) {
            throw new CsvFormatException("file " + file + ": empty; fix: a header line (time column, then numeric "
                    + "columns) and data rows are needed");
        }
        String[] header = split(lines.get(0));
        if (header.length < 2) {
            throw new CsvFormatException("file " + file + " line 1: the header has " + header.length
                    + " column(s); fix: a time column and at least one numeric column are needed, e.g. date,value");
        }
        int numericInHeader = 0;
        for (int i = 1; i < header.length; i++) {
            if (isNumber(header[i])) numericInHeader++;
        }
        if (numericInHeader == header.length - 1) {
            throw new CsvFormatException("file " + file + " line 1: no header (the first line holds numbers); "
                    + "fix: add a header line naming the columns, e.g. date,HUFL,...,OT");
        }
        for (int i = 0; i < header.length; i++) {
            if (header[i].isEmpty()) {
                throw new CsvFormatException("file " + file + " line 1: column " + (i + 1) + " has no name");
            }
            for (int j = 0; j < i; j++) {
                if (header[j].equals(header[i])) {
                    throw new CsvFormatException("file " + file + " line 1: column name '" + header[i] + "' appears twice");
                }
            }
        }
        List<String> available = List.of(header).subList(1, header.length);
        List<String> chosen = columns == null || columns.isEmpty() ? available : List.copyOf(columns);
        int[] index = new int[chosen.size()];
        for (int k = 0; k < index.length; k++) {
            int at = available.indexOf(chosen.get(k));
            if (at < 0) {
                throw new CsvFormatException("file " + file + ": no column '" + chosen.get(k) + "'; columns are "
                        + String.join(",", available) + " (fix --columns)");
            }
            index[k] = at + 1;
        }
        int n = end - 1;
        if (n == 0) throw new CsvFormatException("file " + file + ": a header but no data rows");
        float[][] rows = new float[n][index.length];
        String[] times = new String[n];
        for (int i = 0; i < n; i++) {
            int lineNo = i + 2;
            String line = lines.get(i + 1);
            String[] f = split(line);
            if (f.length != header.length) {
                throw new CsvFormatException("file " + file + " line " + lineNo + ": " + f.length
                        + " field(s), the header has " + header.length);
            }
            times[i] = f[0];
            for (int k = 0; k < index.length; k++) {
                String v = f[index[k]];
                String where = "file " + file + " line " + lineNo + " column '" + header[index[k]] + "': ";
                if (v.isEmpty()) throw new CsvFormatException(where + "missing value; fix: fill or drop the row");
                float x;
                try {
                    x = Float.parseFloat(v);
                } catch (NumberFormatException e) {
                    throw new CsvFormatException(where + "not a number: '" + v + "'");
                }
                if (!Float.isFinite(x)) {
                    throw new CsvFormatException(where + "'" + v + "' is not a finite number (NaN/Infinity); "
                            + "fix: fill or drop the row");
                }
                rows[i][k] = x;
            }
        }
        return new TimeSeries(file, header[0], chosen, times, rows, stepMillis(times));
    }

    private static String[] split(String line) {
        String[] f = line.split(",", -1);
        for (int i = 0; i < f.length; i++) {
            String s = f[i].trim();
            if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) s = s.substring(1, s.length() - 1);
            f[i] = s;
        }
        return f;
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static final DateTimeFormatter SPACE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]");

    /** Interval between the first two time stamps, if they parse; 0 otherwise (count-based data). */
    static long stepMillis(String[] times) {
        if (times.length < 2) return 0;
        Instant a = parse(times[0]);
        Instant b = parse(times[1]);
        if (a == null || b == null) return 0;
        long ms = Duration.between(a, b).toMillis();
        return ms > 0 ? ms : 0;
    }

    private static Instant parse(String s) {
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s, SPACE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }
}
