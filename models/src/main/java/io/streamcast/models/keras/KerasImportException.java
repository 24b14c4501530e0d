package io.streamcast.models.keras;

import io.streamcast.models.InvalidInputException;

/**
 * A Keras file that streamcast cannot import as it is: an unsupported layer or option, an unreadable
 * file, or a shape that fits neither head. The message names the file, the layer and the option, and
 * the fix where there is one; the CLI prints it as one line (exit 2).
 */
public class KerasImportException extends InvalidInputException {
    public KerasImportException(String message) {
        super(message);
    }

    public KerasImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
