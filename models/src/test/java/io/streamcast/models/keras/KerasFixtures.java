package io.streamcast.models.keras;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Keras fixtures made by tools/keras/make_fixtures.py (see src/test/resources/keras/README.md). */
public final class KerasFixtures {
    private KerasFixtures() {
    }

    private static Path dir;

    /**
     * The fixtures' directory: in this module's test resources, or, for tests of other modules that
     * get them from this module's test-jar, a copy in a temporary directory (removed at exit).
     */
    public static synchronized Path dir() {
        if (dir != null) return dir;
        try {
            URI uri = KerasFixtures.class.getResource("/keras/fixtures.json").toURI();
            if (!"jar".equals(uri.getScheme())) return dir = Path.of(uri).getParent();
            Path copy = Files.createTempDirectory("streamcast-keras-fixtures-");
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of()); Stream<Path> files = Files.list(jar.getPath("/keras"))) {
                for (Path f : (Iterable<Path>) files::iterator) Files.copy(f, copy.resolve(f.getFileName().toString()));
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.list(copy)) {
                    for (Path f : (Iterable<Path>) files::iterator) Files.deleteIfExists(f);
                    Files.deleteIfExists(copy);
                } catch (IOException ignored) {
                    // a temporary directory; the OS cleans up the rest
                }
            }));
            return dir = copy;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode listing() {
        try {
            return new ObjectMapper().readTree(dir().resolve("fixtures.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One row per line, comma-separated floats. */
    public static float[][] csv(String file) {
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
