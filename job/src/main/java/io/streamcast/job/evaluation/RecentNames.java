package io.streamcast.job.evaluation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The model names and versions scoring read from waiting forecasts, decoded once: a stream carries
 * one or two of each at a time, and a new String per forecast would be decoded and hashed again for
 * the per-version metrics. Holds the last few, replaced round robin.
 */
final class RecentNames {
    private static final int SLOTS = 4;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] strings = new String[SLOTS];
    private int next;

    /** The UTF-8 string of {@code length} bytes at {@code from}. */
    String decode(byte[] b, int from, int length) {
        for (int i = 0; i < SLOTS; i++) {
            byte[] k = bytes[i];
            if (k != null && k.length == length && Arrays.equals(k, 0, length, b, from, from + length)) return strings[i];
        }
        String s = new String(b, from, length, StandardCharsets.UTF_8);
        bytes[next] = Arrays.copyOfRange(b, from, from + length);
        strings[next] = s;
        next = (next + 1) % SLOTS;
        return s;
    }
}
