package io.streamcast.models.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The Keras fixtures made by tools/keras/make_fixtures.py (see src/test/resources/keras/README.md). */
final class KerasFixtures {
    private KerasFixtures() {
    }

    static Path dir() {
        try {
            return Path.of(KerasFixtures.class.getResource("/keras/fixtures.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode listing() {
        try {
            return new ObjectMapper().readTree(dir().resolve("fixtures.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row per line, comma-separated floats. */
    static float[][] csv(String file) {
        try {
            List<float[]> rows = new ArrayList<>();
            for (String line : Files.readAllLines(dir().resolve(file))) {
                if (line.isBlank()) continue;
                String[] parts = line.split(",");
                float[] r = new float[parts.length];
                for (int i = 0; i < parts.length; i++) r[i] = Float.parseFloat(parts[i]);
                rows.add(r);
            }
            return rows.toArray(new float[0][]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
