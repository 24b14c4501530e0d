package io.streamcast.models.data;

/** A CSV file that cannot be used; the message names the file, line, column and the fix. */
public class CsvFormatException extends IllegalArgumentException {
    public CsvFormatException(String message) {
        super(message);
    }
}
