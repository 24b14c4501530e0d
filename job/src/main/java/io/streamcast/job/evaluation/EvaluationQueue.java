package io.streamcast.job.evaluation;

import io.streamcast.job.records.WindowForecast;

/**
 * One sensor's evaluation state (a Flink POJO of plain arrays): the forecasts expected or waiting for
 * actuals, by issuedAt, with those that arrived, and the accepted steps from the oldest of them on.
 * Nothing older is kept: a step no waiting forecast can use is dropped, so the state holds about H
 * steps plus what is in flight through inference, whatever the allowed lateness. One value per sensor:
 * a record costs one state lookup, not one per forecast.
 *
 * <p>Both are arrays used from {@code first}: the oldest leaves in O(1), new ones append at the end.
 */
public class EvaluationQueue {
    /** Accepted steps, ascending time. */
    public long[] stepTimes = new long[4];
    /** Values of the steps, {@code width} per step. */
    public float[] stepValues;
    public int width;
    public int stepFirst;
    public int stepCount;
    /** Time of the newest step received (also steps not kept). */
    public long lastStepTime = Long.MIN_VALUE;

    /** Forecasts expected (a window was emitted) or arrived, ascending issuedAt. */
    public long[] issuedAt = new long[4];
    /** Event time after which the entry expires. */
    public long[] deadline = new long[4];
    /** The forecast arrived (it waits in {@link #forecasts}, or in the older layout's map state). */
    public boolean[] arrived = new boolean[4];
    /**
     * The arrived forecasts, by entry; null where none arrived. May be shorter than {@link #issuedAt}
     * (or null) in a queue restored from a layout without it: read it through {@link #forecastSlots()}.
     */
    public WindowForecast[] forecasts;
    public int entryFirst;
    public int entryCount;
    /** The latest issuedAt of an arrived forecast: forecasts of one sensor arrive in order. */
    public long lastArrived = Long.MIN_VALUE;

    /** Event time of this sensor's expiry timer, Long.MAX_VALUE if none. */
    public long timerAt = Long.MAX_VALUE;

    public boolean isEmpty() {
        return stepCount == 0 && entryCount == 0;
    }

    void addStep(long time, float[] values) {
        if (stepValues == null) {
            width = values.length;
            stepValues = new float[stepTimes.length * width];
        }
        if (stepFirst + stepCount == stepTimes.length) {
            resizeSteps(stepCount * 2 >= stepTimes.length ? stepTimes.length * 2 : stepTimes.length);
        }
        int at = stepFirst + stepCount++;
        stepTimes[at] = time;
        System.arraycopy(values, 0, stepValues, at * width, width);
    }

    long stepTime(int i) {
        return stepTimes[stepFirst + i];
    }

    float[] step(int i) {
        float[] out = new float[width];
        System.arraycopy(stepValues, (stepFirst + i) * width, out, 0, width);
        return out;
    }

    /** Index of the step at {@code time}, or -1. */
    int stepIndex(long time) {
        int lo = 0, hi = stepCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long t = stepTime(mid);
            if (t < time) lo = mid + 1;
            else if (t > time) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    void dropStepsBefore(long time) {
        while (stepCount > 0 && stepTimes[stepFirst] < time) {
            stepFirst++;
            stepCount--;
        }
        if (stepCount == 0) stepFirst = 0;
    }

    /** Index of the entry issued at {@code at}, or -1. */
    int entryIndex(long at) {
        int lo = 0, hi = entryCount - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long t = issuedAt[entryFirst + mid];
            if (t < at) lo = mid + 1;
            else if (t > at) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    /** Adds an entry in issuedAt order (nearly always at the end) and returns its index. */
    int addEntry(long at, long expiresAt) {
        if (entryFirst + entryCount == issuedAt.length) {
            resizeEntries(entryCount * 2 >= issuedAt.length ? issuedAt.length * 2 : issuedAt.length);
        }
        int pos = entryCount;
        while (pos > 0 && issuedAt[entryFirst + pos - 1] > at) pos--;
        int slot = entryFirst + pos;
        int tail = entryCount - pos;
        System.arraycopy(issuedAt, slot, issuedAt, slot + 1, tail);
        System.arraycopy(deadline, slot, deadline, slot + 1, tail);
        System.arraycopy(arrived, slot, arrived, slot + 1, tail);
        WindowForecast[] f = forecastSlots();
        System.arraycopy(f, slot, f, slot + 1, tail);
        issuedAt[slot] = at;
        deadline[slot] = expiresAt;
        arrived[slot] = false;
        f[slot] = null;
        entryCount++;
        return pos;
    }

    void markArrived(int i, long expiresAt, WindowForecast forecast) {
        arrived[entryFirst + i] = true;
        forecastSlots()[entryFirst + i] = forecast;
        deadline[entryFirst + i] = expiresAt;
        lastArrived = Math.max(lastArrived, issuedAt[entryFirst + i]);
    }

    long frontIssuedAt() {
        return issuedAt[entryFirst];
    }

    long frontDeadline() {
        return deadline[entryFirst];
    }

    boolean frontArrived() {
        return arrived[entryFirst];
    }

    /** The oldest entry's forecast: null if it has not arrived, or arrived into the older layout's map state. */
    WindowForecast frontForecast() {
        return forecastSlots()[entryFirst];
    }

    void removeFront() {
        forecastSlots()[entryFirst] = null;
        entryFirst++;
        entryCount--;
        if (entryCount == 0) entryFirst = 0;
    }

    /**
     * Halves arrays that are mostly empty (after a burst, e.g. forecasts held while no model was
     * loaded): a snapshot writes whole arrays, so capacity is state size.
     */
    void shrink() {
        if (stepTimes.length > 16 && stepCount * 4 < stepTimes.length) resizeSteps(stepTimes.length / 2);
        if (issuedAt.length > 16 && entryCount * 4 < issuedAt.length) resizeEntries(issuedAt.length / 2);
    }

    /** Moves the steps to the start of arrays of {@code capacity}. */
    private void resizeSteps(int capacity) {
        long[] t = new long[capacity];
        float[] v = new float[capacity * width];
        System.arraycopy(stepTimes, stepFirst, t, 0, stepCount);
        System.arraycopy(stepValues, stepFirst * width, v, 0, stepCount * width);
        stepTimes = t;
        stepValues = v;
        stepFirst = 0;
    }

    /** Moves the entries to the start of arrays of {@code capacity}. */
    private void resizeEntries(int capacity) {
        long[] i = new long[capacity];
        long[] d = new long[capacity];
        boolean[] a = new boolean[capacity];
        System.arraycopy(issuedAt, entryFirst, i, 0, entryCount);
        System.arraycopy(deadline, entryFirst, d, 0, entryCount);
        System.arraycopy(arrived, entryFirst, a, 0, entryCount);
        WindowForecast[] f = new WindowForecast[capacity];
        System.arraycopy(forecastSlots(), entryFirst, f, 0, entryCount);
        issuedAt = i;
        deadline = d;
        arrived = a;
        forecasts = f;
        entryFirst = 0;
    }

    /** {@link #forecasts}, as long as the entry arrays. */
    private WindowForecast[] forecastSlots() {
        if (forecasts == null || forecasts.length != issuedAt.length) {
            WindowForecast[] f = new WindowForecast[issuedAt.length];
            if (forecasts != null) System.arraycopy(forecasts, 0, f, 0, Math.min(forecasts.length, f.length));
            forecasts = f;
        }
        return forecasts;
    }
}
