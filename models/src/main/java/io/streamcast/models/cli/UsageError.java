package io.streamcast.models.cli;

/**
 * A problem the user can fix (bad file, bad value, missing bundle): reported as one line, exit code 2,
 * no stack trace. The message should name the file/option and the fix.
 */
public class UsageError extends RuntimeException {
    public UsageError(String message) {
        super(message);
    }

    public UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
