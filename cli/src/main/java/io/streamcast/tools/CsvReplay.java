package io.streamcast.tools;

import io.streamcast.command.UsageError;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Replays a CSV time series (header row; first column a timestamp, the others numeric channels, as
 * in data/ett/ETTh1.csv) as several sensors, each starting at a different row so they are not
 * copies of each other; each wraps around at the end of the file.
 */
final class CsvReplay implements SensorFeed {
    private final List<String> ids = new ArrayList<>();
    private final List<String> channels;
    private final float[][] rows;
    private final int[] position;

    CsvReplay(Path csv, int sensors) {
        if (sensors < 1) {
            throw new UsageError("--sensors must be at least 1, got " + sensors);
        }
        if (!Files.isRegularFile(csv)) {
            throw new UsageError("CSV file " + csv + " not found; fix: pass an existing file, e.g. --data data/ett/ETTh1.csv");
        }
        List<float[]> data = new ArrayList<>();
        List<String> header;
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String first = in.readLine();
            if (first == null) {
                throw new UsageError("file " + csv + " is empty; fix: a header row, then rows of timestamp,value,...");
            }
            header = Arrays.asList(first.split(",", -1));
            if (header.size() < 2) {
                throw new UsageError("file " + csv + " line 1: need a timestamp column and at least one channel; "
                        + "fix: header like date,HUFL,...,OT");
            }
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                data.add(parse(csv, lineNo, line, header));
            }
        } catch (IOException e) {
            throw new UsageError("cannot read " + csv + ": " + e.getMessage());
        }
        if (data.isEmpty()) {
            throw new UsageError("file " + csv + " has a header but no rows; fix: add data rows");
        }
        channels = List.copyOf(header.subList(1, header.size()));
        rows = data.toArray(new float[0][]);
        position = new int[sensors];
        String stem = csv.getFileName().toString().replaceFirst("\\.[^.]*$", "").toLowerCase();
        for (int s = 0; s < sensors; s++) {
            ids.add(stem + "-" + s);
            position[s] = (int) ((long) s * rows.length / sensors);
        }
    }

    private static float[] parse(Path csv, int lineNo, String line, List<String> header) {
        String[] cells = line.split(",", -1);
        if (cells.length != header.size()) {
            throw new UsageError("file " + csv + " line " + lineNo + ": " + cells.length + " columns, header has "
                    + header.size() + "; fix: one value per header column");
        }
        float[] values = new float[cells.length - 1];
        for (int c = 1; c < cells.length; c++) {
            try {
                values[c - 1] = Float.parseFloat(cells[c].trim());
            } catch (NumberFormatException e) {
                throw new UsageError("file " + csv + " line " + lineNo + " column " + header.get(c) + ": '" + cells[c]
                        + "' is not a number; fix the value or remove the row");
            }
            if (!Float.isFinite(values[c - 1])) {
                throw new UsageError("file " + csv + " line " + lineNo + " column " + header.get(c)
                        + ": not a finite number; fix the value or remove the row");
            }
        }
        return values;
    }

    int rowCount() {
        return rows.length;
    }

    @Override
    public List<String> sensorIds() {
        return ids;
    }

    @Override
    public List<String> channels() {
        return channels;
    }

    @Override
    public float[] next(int index) {
        float[] row = rows[position[index]];
        position[index] = (position[index] + 1) % rows.length;
        return row.clone();
    }
}
