package io.streamcast.job.config;

import io.streamcast.models.InvalidInputException;

/**
 * A job setting (or the file, model or Kafka cluster it points at) that the job cannot run with.
 * The message names the key and the fix.
 */
public class ConfigException extends InvalidInputException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
