package io.streamcast.job.assembly;

/**
 * Steps of one sensor that are not final yet, sorted by step time, one accumulator per step (the
 * readings of one fixed-step bucket, or of one timestamp in count mode). A Flink POJO of plain arrays.
 *
 * <p>Slots live in {@code [first, first+size)} of the arrays: the oldest leaves in O(1), and a reading
 * is inserted by walking back from the newest slot, so in-order and nearly in-order readings cost O(1).
 */
public class PendingSteps {
    /** Step time of each slot, ascending. */
    public long[] times;
    /** Latest reading time in each slot (LAST resampling keeps that reading). */
    public long[] latest;
    /** Readings in each slot (MEAN resampling divides by it). */
    public int[] counts;
    /** C accumulator values per slot: slot i at [i*C, (i+1)*C). */
    public double[] values;
    public int channels;
    public int first;
    public int size;

    public PendingSteps() {
    }

    /** No arrays until the first step waits: in-order count mode never needs them, and state stays small. */
    public PendingSteps(int channels) {
        this.channels = channels;
    }

    private void allocate(int capacity) {
        long[] t = new long[capacity];
        long[] l = new long[capacity];
        int[] n = new int[capacity];
        double[] v = new double[capacity * channels];
        if (times != null) {
            System.arraycopy(times, first, t, 0, size);
            System.arraycopy(latest, first, l, 0, size);
            System.arraycopy(counts, first, n, 0, size);
            System.arraycopy(values, first * channels, v, 0, size * channels);
        }
        times = t;
        latest = l;
        counts = n;
        values = v;
        first = 0;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Step time of the oldest slot; only when not empty. */
    public long firstTime() {
        return times[first];
    }

    /** Adds a reading at {@code timestamp} to the slot of {@code stepTime}, creating it in order. */
    public void add(long stepTime, long timestamp, float[] reading, StepRules rules) {
        if (times == null) allocate(4);
        int i = first + size - 1;
        while (i >= first && times[i] > stepTime) i--;
        if (i >= first && times[i] == stepTime) {
            rules.accumulate(values, i * channels, reading, false, timestamp >= latest[i]);
            latest[i] = Math.max(latest[i], timestamp);
            counts[i]++;
            return;
        }
        int at = i + 1 - first; // position among the slots
        if (first + size == times.length) {
            allocate(size * 2 >= times.length ? times.length * 2 : times.length); // grow, or just move to 0
        }
        int slot = first + at;
        int tail = size - at;
        System.arraycopy(times, slot, times, slot + 1, tail);
        System.arraycopy(latest, slot, latest, slot + 1, tail);
        System.arraycopy(counts, slot, counts, slot + 1, tail);
        System.arraycopy(values, slot * channels, values, (slot + 1) * channels, tail * channels);
        times[slot] = stepTime;
        latest[slot] = timestamp;
        counts[slot] = 1;
        rules.accumulate(values, slot * channels, reading, true, true);
        size++;
    }

    /** Removes the oldest slot and returns its step; halves mostly empty arrays (a snapshot writes them whole). */
    public float[] removeFirst(StepRules rules) {
        float[] step = rules.step(values, first * channels, channels, counts[first]);
        first++;
        size--;
        if (size == 0) first = 0;
        if (times.length > 16 && size * 4 < times.length) allocate(times.length / 2);
        return step;
    }
}
