package io.streamcast.job.ingest;

/** A record that cannot be decoded; carries the dead-letter reason. Never leaves the deserialiser. */
public class DecodeException extends Exception {
    private final DeadLetterReason reason;
    private final String sensorId;

    public DecodeException(DeadLetterReason reason, String detail) {
        this(reason, detail, null);
    }

    public DecodeException(DeadLetterReason reason, String detail, String sensorId) {
        super(detail, null, false, false);
        this.reason = reason;
        this.sensorId = sensorId;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** The sensorId if it was read before the failure, else null. */
    public String sensorId() {
        return sensorId;
    }
}
