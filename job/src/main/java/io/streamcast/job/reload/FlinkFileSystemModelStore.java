package io.streamcast.job.reload;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamcast.models.BundleException;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelBundle;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The model store ({@code <root>/<name>/<version>/}, {@code <root>/<name>/LATEST}, the layout of
 * {@link io.streamcast.models.LocalModelStore}) read through Flink's {@link FileSystem}, so the job
 * reads it from s3://, hdfs://, ... once the matching Flink file system plugin is installed; a root
 * without a scheme is the local file system.
 *
 * <p>It does not implement {@link io.streamcast.models.ModelStore}: that interface names bundles by
 * {@code java.nio.file.Path}, which cannot point into an object store. Here a bundle is a URI, and
 * {@link #localCopy} brings it next to the task (a no-op on the local file system) so that
 * {@link io.streamcast.models.ForecastModel#load} can read it. Serializable: the root URI only.
 */
public final class FlinkFileSystemModelStore implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String LATEST = "LATEST";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String root;

    public FlinkFileSystemModelStore(String root) {
        if (root == null || root.isBlank()) throw new IllegalArgumentException("model store root is empty");
        this.root = root;
    }

    public String root() {
        return root;
    }

    private Path modelDir(String name) {
        checkName(name);
        return new Path(new Path(root), name);
    }

    /** The version LATEST points at, or null if nothing is published under this name. */
    public String latest(String name) throws IOException {
        Path latest = new Path(modelDir(name), LATEST);
        FileSystem fs = latest.getFileSystem();
        try (InputStream in = fs.open(latest)) {
            String v = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            return v.isEmpty() ? null : v;
        } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
            return null;
        }
    }

    /** Published versions, oldest first. */
    public List<String> versions(String name) throws IOException {
        Path dir = modelDir(name);
        FileSystem fs = dir.getFileSystem();
        List<String> out = new ArrayList<>();
        if (!fs.exists(dir)) return out;
        FileStatus[] entries = fs.listStatus(dir);
        if (entries == null) return out;
        for (FileStatus s : entries) {
            String v = s.getPath().getName();
            if (s.isDir() && VERSION.matcher(v).matches()) out.add(v);
        }
        out.sort(Comparator.comparingLong(Long::parseLong));
        return out;
    }

    /** The bundle directory of a version (it may not exist). */
    public Path bundle(String name, String version) {
        checkVersion(version);
        return new Path(modelDir(name), version);
    }

    /**
     * The pointer to a published version: its URI and the network checksum its manifest records.
     * A manifest that cannot be read gives an empty checksum: the operator then rejects the bundle
     * with the reason, rather than the watcher hiding it.
     */
    public ModelUpdate pointer(String name, String version) throws IOException {
        Path dir = bundle(name, version);
        String sha = "";
        try {
            String s = readManifest(dir).networkSha256();
            if (s != null) sha = s;
        } catch (BundleException e) {
            // left empty on purpose, see above
        }
        return new ModelUpdate(name, version, dir.makeQualified(dir.getFileSystem()).toUri().toString(), sha);
    }

    /** Reads and parses a bundle's manifest (no checksum check). */
    public static Manifest readManifest(Path bundleDir) throws BundleException {
        Path file = new Path(bundleDir, ModelBundle.MANIFEST_FILE);
        try (InputStream in = file.getFileSystem().open(file)) {
            return Manifest.fromJson(JSON.readTree(in));
        } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
            throw new BundleException(file + ": missing (not a model bundle?)");
        } catch (IOException | IllegalArgumentException e) {
            throw new BundleException(file + ": cannot be read: " + e.getMessage(), e);
        }
    }

    /** Points LATEST at an existing version: a new file renamed over the old one. */
    public void setLatest(String name, String version) throws IOException {
        Path dir = bundle(name, version);
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            throw new FileNotFoundException(dir + ": no such version of model '" + name + "'");
        }
        Path tmp = new Path(modelDir(name), ".LATEST-" + UUID.randomUUID() + ".tmp");
        try (OutputStream out = fs.create(tmp, FileSystem.WriteMode.NO_OVERWRITE)) {
            out.write((version + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path latest = new Path(modelDir(name), LATEST);
        // POSIX rename replaces the target atomically; file systems whose rename refuses an existing target get a delete first
        if (!fs.rename(tmp, latest)) {
            fs.delete(latest, false);
            if (!fs.rename(tmp, latest)) {
                fs.delete(tmp, false);
                throw new IOException("cannot move " + tmp + " to " + latest);
            }
        }
    }

    /**
     * The bundle at {@code uri} as a local directory. On the local file system that is the bundle
     * itself; otherwise its files are copied into a fresh directory under {@code scratch}, removed
     * again by {@link LocalBundle#close()}.
     */
    public static LocalBundle localCopy(String uri, java.nio.file.Path scratch) throws IOException {
        Path src = new Path(URI.create(uri));
        FileSystem fs = src.getFileSystem();
        if (!fs.isDistributedFS() && "file".equals(fs.getUri().getScheme())) {
            return new LocalBundle(java.nio.file.Path.of(src.toUri()), false);
        }
        Files.createDirectories(scratch);
        java.nio.file.Path dir = Files.createTempDirectory(scratch, "bundle-");
        for (String f : new String[] {ModelBundle.MANIFEST_FILE, ModelBundle.NETWORK_FILE}) {
            try (InputStream in = fs.open(new Path(src, f))) {
                Files.copy(in, dir.resolve(f));
            } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
                // a missing file is the bundle's problem: loading names it
            }
        }
        return new LocalBundle(dir, true);
    }

    /** A bundle directory on local disk; a temporary copy is deleted on close. */
    public record LocalBundle(java.nio.file.Path dir, boolean temporary) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (!temporary) return;
            try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
                for (java.nio.file.Path p : (Iterable<java.nio.file.Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("model name must be letters, digits, '.', '_' or '-' (max 128), got '" + name + "'");
        }
    }

    private static void checkVersion(String version) {
        if (version == null || !VERSION.matcher(version).matches()) {
            throw new IllegalArgumentException("version must be a positive integer, got '" + version + "'");
        }
    }

    @Override
    public String toString() {
        return "model store " + root;
    }
}
