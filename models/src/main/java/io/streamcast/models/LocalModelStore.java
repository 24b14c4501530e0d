package io.streamcast.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** {@link ModelStore} on the local file system. */
public final class LocalModelStore implements ModelStore {
    public static final String LATEST = "LATEST";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");

    private final Path root;

    public LocalModelStore(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    @Override
    public String publish(Path bundleDir, String name) throws IOException, BundleException {
        checkName(name);
        Manifest manifest = ModelBundle.read(bundleDir).manifest(); // verify before anything is copied
        Path modelDir = root.resolve(name);
        Files.createDirectories(modelDir);
        Path tmp = Files.createTempDirectory(modelDir, ".publish-");
        try {
            try (Stream<Path> files = Files.list(bundleDir)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith(".")) {
                        Files.copy(f, tmp.resolve(f.getFileName()));
                    }
                }
            }
            // The copy must still be the bundle we verified (guards against a bundle changing under us).
            ModelBundle.verifyChecksum(tmp, manifest);
            while (true) {
                String version = nextVersion(name);
                ModelBundle.writeManifest(tmp, manifest.withVersion(version));
                try {
                    // Atomic rename of a directory: readers see no version or the whole version.
                    Files.move(tmp, modelDir.resolve(version), StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                    continue; // another publisher took this number
                }
                setLatest(name, version);
                return version;
            }
        } finally {
            deleteRecursively(tmp);
        }
    }

    @Override
    public String latest(String name) throws IOException {
        checkName(name);
        try {
            String v = Files.readString(root.resolve(name).resolve(LATEST), StandardCharsets.UTF_8).trim();
            return v.isEmpty() ? null : v;
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    @Override
    public void setLatest(String name, String version) throws IOException {
        checkName(name);
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version must be a positive integer, got '" + version + "'");
        }
        Path modelDir = root.resolve(name);
        if (!Files.isDirectory(modelDir.resolve(version))) {
            throw new NoSuchFileException(modelDir.resolve(version).toString(), null,
                    "no such version of model '" + name + "'");
        }
        Path tmp = Files.createTempFile(modelDir, ".LATEST-", ".tmp");
        try {
            Files.writeString(tmp, version + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, modelDir.resolve(LATEST), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Path resolve(String name, String version) {
        checkName(name);
        if (!VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version must be a positive integer, got '" + version + "'");
        }
        return root.resolve(name).resolve(version);
    }

    @Override
    public List<String> versions(String name) throws IOException {
        checkName(name);
        Path modelDir = root.resolve(name);
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(modelDir)) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(modelDir)) {
            for (Path p : ds) {
                String v = p.getFileName().toString();
                if (Files.isDirectory(p) && VERSION.matcher(v).matches()) out.add(v);
            }
        }
        out.sort(Comparator.comparingLong(Long::parseLong));
        return out;
    }

    private String nextVersion(String name) throws IOException {
        List<String> v = versions(name);
        return v.isEmpty() ? "1" : Long.toString(Long.parseLong(v.get(v.size() - 1)) + 1);
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name must be letters, digits, '.', '_' or '-' (max 128), got '"
                    + name + "'");
        }
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path x : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        }
    }
}
