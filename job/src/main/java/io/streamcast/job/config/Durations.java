package io.streamcast.job.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations as people write them in config files: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 7d}, or ISO-8601 ({@code PT5S}). */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h|d)?");

    private Durations() {
    }

    public static Duration parse(String text) {
        String s = text.trim().toLowerCase();
        Matcher m = SIMPLE.matcher(s);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "ms" : m.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m", "min" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text.trim().toUpperCase());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration: write e.g. 250ms, 30s, 5m, 1h, 7d or PT30S");
        }
    }

    /** The shortest of the simple forms that says {@code d} exactly. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) return ms / 86_400_000L + "d";
        if (ms != 0 && ms % 3_600_000L == 0) return ms / 3_600_000L + "h";
        if (ms != 0 && ms % 60_000L == 0) return ms / 60_000L + "m";
        if (ms != 0 && ms % 1000L == 0) return ms / 1000L + "s";
        return ms + "ms";
    }
}
