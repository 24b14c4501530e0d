package io.streamcast.job.evaluation;

import io.streamcast.job.records.WindowForecast;
import java.util.Arrays;

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
    /** The forecast arrived (it waits in {@link #waiting}, or in an older layout's state). */
    public boolean[] arrived = new boolean[4];
    /**
     * The arrived forecasts, by entry, as {@link WaitingForecasts} bytes; null where none arrived. May
     * be shorter than {@link #issuedAt} (or null) in a queue restored from an older layout: read it
     * through {@link #waitingSlots()}.
     */
    public byte[][] waiting;
    /**
     * Where the previous layout kept the arrived forecasts (as objects): a restored queue's are moved
     * to {@link #waiting} by {@link #upgrade()}; null from then on.
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
            resizeSteps(stepCount == stepTimes.length ? stepTimes.length * 2 : stepTimes.length);
        }
        int at = stepFirst + stepCount++;
        stepTimes[at] = time;
        System.arraycopy(values, 0, stepValues, at * width, width);
    }

    long stepTime(int i) {
        return stepTimes[stepFirst + i];
    }

    /** Where step {@code i}'s values start in {@link #stepValues}; the steps after it follow. */
    int stepOffset(int i) {
        return (stepFirst + i) * width;
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
            resizeEntries(entryCount == issuedAt.length ? issuedAt.length * 2 : issuedAt.length);
        }
        int pos = entryCount;
        while (pos > 0 && issuedAt[entryFirst + pos - 1] > at) pos--;
        int slot = entryFirst + pos;
        int tail = entryCount - pos;
        System.arraycopy(issuedAt, slot, issuedAt, slot + 1, tail);
        System.arraycopy(deadline, slot, deadline, slot + 1, tail);
        System.arraycopy(arrived, slot, arrived, slot + 1, tail);
        byte[][] f = waitingSlots();
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
        waitingSlots()[entryFirst + i] = WaitingForecasts.encode(forecast);
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

    /** The oldest entry's forecast: null if it has not arrived, or arrived into the oldest layout's map state. */
    byte[] frontWaiting() {
        return waitingSlots()[entryFirst];
    }

    void removeFront() {
        waitingSlots()[entryFirst] = null;
        entryFirst++;
        entryCount--;
        if (entryCount == 0) entryFirst = 0;
    }

    /**
     * Halves arrays under a third full (after a burst, e.g. forecasts held while no model was
     * loaded): a snapshot writes whole arrays, so capacity is state size.
     */
    void shrink() {
        if (stepTimes.length > 16 && stepCount * 3 < stepTimes.length) resizeSteps(stepTimes.length / 2);
        if (issuedAt.length > 16 && entryCount * 3 < issuedAt.length) resizeEntries(issuedAt.length / 2);
    }

    /**
     * Moves the steps to the start of arrays of {@code capacity}: the same arrays when it is theirs
     * (full arrays grow; others make room at the front, as a snapshot writes whole arrays).
     */
    private void resizeSteps(int capacity) {
        boolean same = capacity == stepTimes.length;
        long[] t = same ? stepTimes : new long[capacity];
        float[] v = same ? stepValues : new float[capacity * width];
        System.arraycopy(stepTimes, stepFirst, t, 0, stepCount);
        System.arraycopy(stepValues, stepFirst * width, v, 0, stepCount * width);
        stepTimes = t;
        stepValues = v;
        stepFirst = 0;
    }

    /** Moves the entries to the start of arrays of {@code capacity}, as {@link #resizeSteps} does the steps. */
    private void resizeEntries(int capacity) {
        byte[][] w = waitingSlots();
        boolean same = capacity == issuedAt.length;
        long[] i = same ? issuedAt : new long[capacity];
        long[] d = same ? deadline : new long[capacity];
        boolean[] a = same ? arrived : new boolean[capacity];
        byte[][] f = same ? w : new byte[capacity][];
        System.arraycopy(issuedAt, entryFirst, i, 0, entryCount);
        System.arraycopy(deadline, entryFirst, d, 0, entryCount);
        System.arraycopy(arrived, entryFirst, a, 0, entryCount);
        System.arraycopy(w, entryFirst, f, 0, entryCount);
        // the slots left behind would hold on to forecasts, and a snapshot would write them
        if (same) Arrays.fill(f, entryCount, entryFirst + entryCount, null);
        issuedAt = i;
        deadline = d;
        arrived = a;
        waiting = f;
        entryFirst = 0;
    }

    /**
     * Moves the forecasts of a queue restored from the previous layout into {@link #waiting}; O(1)
     * when there are none.
     */
    void upgrade() {
        if (forecasts == null) return;
        byte[][] w = waitingSlots();
        for (int i = 0; i < Math.min(forecasts.length, w.length); i++) {
            if (forecasts[i] != null) w[i] = WaitingForecasts.encode(forecasts[i]);
        }
        forecasts = null;
    }

    /** {@link #waiting}, as long as the entry arrays. */
    private byte[][] waitingSlots() {
        if (waiting == null || waiting.length != issuedAt.length) {
            byte[][] f = new byte[issuedAt.length][];
            if (waiting != null) System.arraycopy(waiting, 0, f, 0, Math.min(waiting.length, f.length));
            waiting = f;
        }
        return waiting;
    }
}
