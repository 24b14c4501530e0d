package io.streamcast.job.ingest;

import io.streamcast.job.records.Reading;
import java.io.Serializable;

/**
 * What makes a decoded reading usable by the model. Shared by the validator (which routes the bad
 * ones to the DLQ) and the watermark assigner (so that a reading with a wild timestamp never moves
 * the watermark before it is rejected).
 */
public final class ReadingRules implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int channels;
    private final long maxSkewMillis;
    private final long maxAheadMillis;

    /**
     * @param channels       the model's channel count C
     * @param maxSkewMillis  largest allowed |timestamp - wall clock|; 0 = no check
     * @param maxAheadMillis largest allowed timestamp - wall clock; 0 = no check
     */
    public ReadingRules(int channels, long maxSkewMillis, long maxAheadMillis) {
        this.channels = channels;
        this.maxSkewMillis = maxSkewMillis;
        this.maxAheadMillis = maxAheadMillis;
    }

    /** Without the ahead-of-the-wall-clock check. */
    public ReadingRules(int channels, long maxSkewMillis) {
        this(channels, maxSkewMillis, 0);
    }

    /** Whether readings dated ahead of the wall clock are refused (off for replays). */
    public boolean checksAhead() {
        return maxAheadMillis > 0;
    }

    public int channels() {
        return channels;
    }

    /** Null when the reading is usable, else why not. */
    public Violation check(Reading r, long now) {
        if (r.sensorId == null || r.sensorId.isBlank()) {
            return new Violation(DeadLetterReason.EMPTY_SENSOR_ID, "sensorId is empty");
        }
        if (r.values == null || r.values.length != channels) {
            return new Violation(DeadLetterReason.WRONG_CHANNEL_COUNT,
                    (r.values == null ? 0 : r.values.length) + " values, the model needs " + channels + " channels");
        }
        for (int i = 0; i < r.values.length; i++) {
            if (!Float.isFinite(r.values[i])) {
                return new Violation(DeadLetterReason.NON_FINITE_VALUE, "values[" + i + "] is " + r.values[i]);
            }
        }
        // differences taken only on the side where they cannot overflow (timestamps span all of long)
        if (maxAheadMillis > 0 && r.timestamp > now && r.timestamp - now > maxAheadMillis) {
            return new Violation(DeadLetterReason.TIMESTAMP_AHEAD, "timestamp " + r.timestamp + " is " + (r.timestamp - now)
                    + " ms ahead of the wall clock; allowed: " + maxAheadMillis + " ms (validation.max-ahead; 0 turns it off for replays)");
        }
        if (maxSkewMillis > 0) {
            boolean ahead = r.timestamp > now;
            long skew = ahead ? r.timestamp - now : now - r.timestamp;
            if (skew > maxSkewMillis || skew < 0) {
                return new Violation(DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
                        "timestamp " + r.timestamp + " is " + (skew < 0 ? "far" : skew + " ms") + (ahead ? " ahead of" : " behind")
                                + " the wall clock; allowed: " + maxSkewMillis + " ms (validation.max-timestamp-skew)");
            }
        }
        return null;
    }

    /** A broken rule. */
    public record Violation(DeadLetterReason reason, String detail) {
    }
}
