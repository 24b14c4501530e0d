package io.streamcast.models;

/** A model bundle that cannot be used: missing, corrupt, truncated or not matching its manifest. */
public class BundleException extends Exception {
    public BundleException(String message) {
        super(message);
    }

    public BundleException(String message, Throwable cause) {
        super(message, cause);
    }
}
