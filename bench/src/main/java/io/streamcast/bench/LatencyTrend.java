package io.streamcast.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Whether the job kept pace with a fixed-rate load during the measurement, from the per-second p50
 * latencies. A job still draining the start-up backlog starts the measurement behind and catches up
 * (its first second is the most behind: compared with the median of the last few seconds); one that
 * cannot keep up falls further behind (the median of the last few seconds against the first few).
 * Either way the latency percentiles describe a backlog, not the job at that rate.
 */
record LatencyTrend(int spanSeconds, long firstSecondP50Ms, long firstSpanP50Ms, long lastSpanP50Ms) {
    /** Seconds at each end of the measurement whose median is compared. */
    static final int SPAN_SECONDS = 5;
    /**
     * A change of p50 from the start to the end larger than this is a backlog growing or
     * shrinking, not noise: far above the few tens of ms the per-second p50 varies by when the job keeps pace.
     */
    static final long DRIFT_MS = 500;

    enum Verdict { STEADY, CAUGHT_UP_DURING_MEASUREMENT, FELL_BEHIND }

    /**
     * From per-second rows {@code [second, forecasts, p50, ...]} in ascending seconds (since the collector's origin),
     * over the whole seconds from {@code fromSecond} (inclusive) to {@code toSecond} (exclusive); empty
     * when either end has no forecasts.
     */
    static Optional<LatencyTrend> of(List<long[]> perSecond, long fromSecond, long toSecond) {
        long seconds = toSecond - fromSecond;
        if (seconds < 2) return Optional.empty();
        int span = (int) Math.min(SPAN_SECONDS, seconds / 2);
        List<Long> first = new ArrayList<>();
        List<Long> last = new ArrayList<>();
        for (long[] row : perSecond) {
            if (row[0] >= fromSecond && row[0] < fromSecond + span) first.add(row[2]);
            if (row[0] >= toSecond - span && row[0] < toSecond) last.add(row[2]);
        }
        if (first.isEmpty() || last.isEmpty()) return Optional.empty();
        return Optional.of(new LatencyTrend(span, first.get(0), median(first), median(last)));
    }

    private static long median(List<Long> values) {
        return Math.round(SoakVerdict.median(values.stream().mapToDouble(Long::doubleValue).toArray()));
    }

    Verdict verdict() {
        if (firstSecondP50Ms - lastSpanP50Ms > DRIFT_MS) return Verdict.CAUGHT_UP_DURING_MEASUREMENT;
        if (lastSpanP50Ms - firstSpanP50Ms > DRIFT_MS) return Verdict.FELL_BEHIND;
        return Verdict.STEADY;
    }

    /** One line for the user, naming the fix; empty when the job kept pace. */
    Optional<String> warning(String mode, double readingsPerSecond) {
        return switch (verdict()) {
            case STEADY -> Optional.empty();
            case CAUGHT_UP_DURING_MEASUREMENT -> Optional.of(String.format(Locale.ROOT,
                    "bench e2e [%s]: the job was still catching up when the measurement began (p50 %,d ms in its first second, "
                            + "%,d ms over its last %d s): the latency figures include that backlog; give --warmup more seconds",
                    mode, firstSecondP50Ms, lastSpanP50Ms, spanSeconds));
            case FELL_BEHIND -> Optional.of(String.format(Locale.ROOT,
                    "bench e2e [%s]: the job fell behind during the measurement (p50 %,d ms over its first %d s, %,d ms over its "
                            + "last %d s): it does not keep up with %.0f readings/s; lower --rate (--rate max measures the maximum)",
                    mode, firstSpanP50Ms, spanSeconds, lastSpanP50Ms, spanSeconds, readingsPerSecond));
        };
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("spanSeconds", spanSeconds);
        m.put("firstSecondP50Ms", firstSecondP50Ms);
        m.put("firstSecondsP50Ms", firstSpanP50Ms);
        m.put("lastSecondsP50Ms", lastSpanP50Ms);
        m.put("verdict", verdict().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        return m;
    }
}
