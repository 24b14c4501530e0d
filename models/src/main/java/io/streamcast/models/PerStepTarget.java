package io.streamcast.models;

/** What output t of a per-step head is trained to predict. */
public enum PerStepTarget {
    /** Output t predicts step t+1 (next-step model; H steps by autoregressive roll-out). */
    NEXT("next"),
    /** The literal classic example: H = T, output t predicts step T+t in one pass. */
    ALIGNED("aligned");

    private final String cliName;

    PerStepTarget(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static PerStepTarget parse(String s) {
        for (PerStepTarget t : values()) {
            if (t.cliName.equalsIgnoreCase(s) || t.name().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown per-step target '" + s + "': use next or aligned");
    }

    @Override
    public String toString() {
        return cliName;
    }
}
