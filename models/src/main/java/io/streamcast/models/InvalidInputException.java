package io.streamcast.models;

/**
 * A problem the user fixes by changing what they gave: a file, an option, a setting. The message
 * names it and the fix; front ends report it as one line (the command line: exit code 2), without a
 * stack trace.
 */
public class InvalidInputException extends RuntimeException {
    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
