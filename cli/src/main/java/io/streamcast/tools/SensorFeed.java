package io.streamcast.tools;

import java.util.List;

/** Where simulated readings come from: a fixed set of sensors, each yielding its next values on demand. */
interface SensorFeed {
    /** Sensor ids, in the order readings are interleaved. */
    List<String> sensorIds();

    /** Channel names, in the order of the values. */
    List<String> channels();

    /** The next values of sensor {@code index} (one per channel); feeds never run dry. */
    float[] next(int index);
}
