package io.streamcast.tools;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Compares the forecasts a consumer saw with the readings in Kafka (count-mode windows of T
 * readings): every window whose last reading the watermark has certainly passed must have exactly
 * one forecast (sensorId, issuedAt); none may be for a (sensorId, issuedAt) that ends no window.
 */
final class ForecastAudit {
    private final int window;
    private final Map<String, TreeSet<Long>> readings = new HashMap<>();
    private final Map<Integer, Long> newestPerPartition = new HashMap<>();
    private final Map<String, Integer> forecasts = new HashMap<>();
    private long duplicateReadings;

    ForecastAudit(int window) {
        this.window = window;
    }

    void reading(int partition, String sensorId, long timestamp) {
        if (!readings.computeIfAbsent(sensorId, s -> new TreeSet<>()).add(timestamp)) duplicateReadings++;
        newestPerPartition.merge(partition, timestamp, Math::max);
    }

    void forecast(String sensorId, long issuedAt) {
        forecasts.merge(key(sensorId, issuedAt), 1, Integer::sum);
    }

    /**
     * The windows that must have been forecast: those ending before the slowest partition's newest
     * reading minus the watermark's out-of-orderness and a margin.
     */
    Set<String> due(long outOfOrdernessMillis, long marginMillis) {
        if (newestPerPartition.isEmpty()) return Set.of();
        long cut = newestPerPartition.values().stream().mapToLong(Long::longValue).min().orElseThrow()
                - outOfOrdernessMillis - marginMillis;
        return windowEnds().stream().filter(k -> issuedAt(k) < cut).collect(Collectors.toSet());
    }

    /** Every (sensorId, issuedAt) that ends a window of T readings. */
    Set<String> windowEnds() {
        Set<String> ends = new java.util.HashSet<>();
        readings.forEach((sensor, times) -> {
            int i = 0;
            for (long t : times) {
                if (++i >= window) ends.add(key(sensor, t));
            }
        });
        return ends;
    }

    boolean complete(Set<String> due) {
        return forecasts.keySet().containsAll(due);
    }

    Result result(Set<String> due) {
        List<String> missing = due.stream().filter(k -> !forecasts.containsKey(k)).sorted().toList();
        List<String> duplicated = forecasts.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(e -> e.getKey() + " x" + e.getValue()).sorted().toList();
        Set<String> ends = windowEnds();
        List<String> unexpected = forecasts.keySet().stream().filter(k -> !ends.contains(k)).sorted().toList();
        long records = forecasts.values().stream().mapToLong(Integer::longValue).sum();
        long readingCount = readings.values().stream().mapToLong(TreeSet::size).sum();
        return new Result(readingCount, readings.size(), duplicateReadings, due.size(), records, forecasts.size(),
                missing, duplicated, unexpected);
    }

    record Result(long readings, int sensors, long duplicateReadings, int due, long forecastRecords,
            int distinctForecasts, List<String> missing, List<String> duplicated, List<String> unexpected) {
        boolean ok() {
            return missing.isEmpty() && duplicated.isEmpty() && unexpected.isEmpty();
        }

        String summary() {
            return String.format("%d readings of %d sensors (%d duplicated in Kafka); %d windows due, %d forecast "
                            + "records, %d distinct; duplicated %d, missing %d, unexpected %d%s",
                    readings, sensors, duplicateReadings, due, forecastRecords, distinctForecasts,
                    duplicated.size(), missing.size(), unexpected.size(),
                    ok() ? "" : "; first: " + first(duplicated) + first(missing) + first(unexpected));
        }

        String json() {
            return String.format("{\"readings\":%d,\"sensors\":%d,\"duplicateReadings\":%d,\"due\":%d,"
                            + "\"forecastRecords\":%d,\"distinctForecasts\":%d,\"duplicated\":%d,\"missing\":%d,"
                            + "\"unexpected\":%d}", readings, sensors, duplicateReadings, due, forecastRecords,
                    distinctForecasts, duplicated.size(), missing.size(), unexpected.size());
        }

        private static String first(List<String> l) {
            return l.isEmpty() ? "" : new ArrayList<>(l.subList(0, Math.min(3, l.size()))) + " ";
        }
    }

    static String key(String sensorId, long issuedAt) {
        return sensorId + "@" + issuedAt;
    }

    private static long issuedAt(String key) {
        return Long.parseLong(key.substring(key.lastIndexOf('@') + 1));
    }
}
