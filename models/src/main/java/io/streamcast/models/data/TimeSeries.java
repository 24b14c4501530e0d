package io.streamcast.models.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A multichannel time series read from a file.
 *
 * @param source     the file it came from
 * @param timeColumn name of the time column
 * @param channels   channel (column) names, in the order of {@code rows[i]}
 * @param times      the time column, as written
 * @param rows       values [row][channel], raw units
 * @param stepMillis interval between the first two rows if the time column parses, else 0
 */
public record TimeSeries(Path source, String timeColumn, List<String> channels, String[] times, float[][] rows,
        long stepMillis) {

    public int length() {
        return rows.length;
    }

    public int channelCount() {
        return channels.size();
    }

    /** Rows [from, to): a new outer array, the row arrays themselves are shared. */
    public float[][] rows(int from, int to) {
        return java.util.Arrays.copyOfRange(rows, from, to);
    }
}
