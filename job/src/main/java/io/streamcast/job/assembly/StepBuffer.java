package io.streamcast.job.assembly;

/**
 * One sensor's assembly state: the last T steps (a ring of T*C floats), the steps not final yet,
 * and the sensor's progress and timers. Kept in keyed state as one value, so a reading costs one
 * state read and one write (a Flink POJO, so it snapshots with the POJO serializer and never needs
 * Kryo; plain arrays, never INDArray).
 */
public class StepBuffer {
    /** T*C values; step i occupies [i*C, (i+1)*C). */
    public float[] ring;
    /** Ring slot the next step is written to. */
    public int head;
    /** Steps held, at most T. */
    public int count;
    /** Steps pushed since the buffer was (re)started; decides when a window is due (stride). */
    public long steps;
    /** Event time of the newest step (fixed-step mode: the bucket's start), Long.MIN_VALUE if none. */
    public long lastTime = Long.MIN_VALUE;

    /** Steps not final yet (event-time ordering, and the open bucket in fixed-step mode). */
    public PendingSteps pending;
    /** In-order ordering: steps are final up to here (the latest accepted reading's progress). */
    public long acceptedUpTo = Long.MIN_VALUE;
    /** Latest of: the newest reading's time, the watermark when a reading last arrived (idle TTL). */
    public long activeAt = Long.MIN_VALUE;
    /** Event time of the idle-cleanup timer, Long.MIN_VALUE if none. */
    public long cleanupAt = Long.MIN_VALUE;
    /** Event time of the release timer of the oldest pending step, Long.MAX_VALUE if none. */
    public long releaseAt = Long.MAX_VALUE;
    /**
     * False in a buffer restored from a savepoint of the version that kept pending readings,
     * last-seen time and cleanup time in separate states; they are moved in once.
     */
    public boolean current;

    public StepBuffer() {
    }

    public StepBuffer(int window, int channels) {
        this.ring = new float[window * channels];
        this.pending = new PendingSteps(channels);
        this.current = true;
    }

    /** Appends one step of C values, overwriting the oldest once T steps are held. */
    public void push(float[] step, long time) {
        int c = step.length;
        int window = ring.length / c;
        System.arraycopy(step, 0, ring, head * c, c);
        head = (head + 1) % window;
        if (count < window) {
            count++;
        }
        steps++;
        lastTime = time;
    }

    /** The newest step (a copy), for forward filling. */
    public float[] last(int channels) {
        int window = ring.length / channels;
        int slot = (head - 1 + window) % window;
        float[] out = new float[channels];
        System.arraycopy(ring, slot * channels, out, 0, channels);
        return out;
    }

    public boolean isFull(int channels) {
        return count == ring.length / channels;
    }

    /** Forgets every step (a gap too long to fill): the next window needs T fresh steps. */
    public void reset() {
        head = 0;
        count = 0;
        steps = 0;
        lastTime = Long.MIN_VALUE;
    }

    /** The held steps oldest first, time-major; only meaningful when full. */
    public float[] timeOrdered(int channels) {
        int window = ring.length / channels;
        float[] out = new float[ring.length];
        int oldest = count == window ? head : 0;
        int firstPart = (window - oldest) * channels;
        System.arraycopy(ring, oldest * channels, out, 0, firstPart);
        System.arraycopy(ring, 0, out, firstPart, oldest * channels);
        return out;
    }
}
