package io.streamcast.models;

/**
 * Optional per-window normalisation, applied after the z-score: the network sees each channel of a
 * window relative to the window's own level, and the level is added back to its output.
 */
public enum WindowNorm {
    /** The network sees z-scores as they are. */
    NONE("none"),
    /** Subtract each channel's last value in the window (forecast = change from "now"). */
    LAST("last"),
    /** Subtract each channel's mean over the window. */
    MEAN("mean");

    private final String cliName;

    WindowNorm(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static WindowNorm parse(String s) {
        for (WindowNorm w : values()) {
            if (w.cliName.equalsIgnoreCase(s) || w.name().equalsIgnoreCase(s)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown window normalisation '" + s + "': use none, last or mean");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
