package io.streamcast.models;

/** The two LSTM output heads (see README, "flat vs per-step head"). */
public enum Head {
    /** Last LSTM state -> Dense(H*C): all H steps in one forward pass. */
    FLAT("flat"),
    /** LSTM over every step -> the same Dense(C) at each step (Keras TimeDistributed(Dense)). */
    PER_STEP("per-step");

    private final String cliName;

    Head(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static Head parse(String s) {
        for (Head h : values()) {
            if (h.cliName.equalsIgnoreCase(s) || h.name().equalsIgnoreCase(s)) {
                return h;
            }
        }
        throw new IllegalArgumentException("unknown head '" + s + "': use flat or per-step");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
