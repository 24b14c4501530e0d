package io.streamcast.job.assembly;

/**
 * The last T steps of one sensor: a ring of T*C floats, kept in keyed state (a Flink POJO, so it
 * snapshots with the POJO serializer and never needs Kryo; plain float[], never INDArray).
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

    public StepBuffer() {
    }

    public StepBuffer(int window, int channels) {
        this.ring = new float[window * channels];
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
