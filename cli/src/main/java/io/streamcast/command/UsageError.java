package io.streamcast.command;

import io.streamcast.models.InvalidInputException;

/**
 * A bad command-line argument or a command that cannot do what it was asked (bad file, missing
 * bundle, a child process that did not start): one line, exit code 2, no stack trace. The message
 * names the option and the fix.
 */
public class UsageError extends InvalidInputException {
    public UsageError(String message) {
        super(message);
    }

    public UsageError(String message, Throwable cause) {
        super(message, cause);
    }
}
