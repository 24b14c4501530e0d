package io.streamcast.job.reload;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * Where published model bundles live, read and written through Flink's {@link FileSystem}: a root
 * without a scheme is the local file system; s3://, hdfs://, ... work once the matching Flink file
 * system plugin is installed. The one implementation of the layout, used by {@code streamcast
 * publish}/{@code rollback} and by the job's model watcher:
 * <pre>
 * ROOT/NAME/1/, ROOT/NAME/2/, ...   immutable bundle directories (manifest.json records the version)
 * ROOT/NAME/LATEST                  the version to serve, one line, replaced by a rename
 * </pre>
 * A bundle is named by a URI (it may not be on this machine); {@link #localCopy} brings it next to
 * the task so that {@link io.streamcast.models.ForecastModel#load} can read it. Serializable: the
 * root URI only.
 */
public final class ModelStore implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String LATEST = "LATEST";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,17}");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final String root;

    public ModelStore(String root) {
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
        FileStatus[] entries = list(fs, dir);
        if (entries == null) return out;
        for (FileStatus s : entries) {
            String v = s.getPath().getName();
            if (s.isDir() && VERSION.matcher(v).matches()) out.add(v);
        }
        out.sort(Comparator.comparingLong(Long::parseLong));
        return out;
    }

    /**
     * Lists a model directory while publishers may be renaming their hidden copies in it: a file
     * system that looks at each entry after listing (Flink's local one) fails on an entry renamed in
     * between; the next listing no longer has it.
     */
    private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return fs.listStatus(dir);
            } catch (FileNotFoundException e) {
                if (attempt == 10 || !fs.exists(dir)) throw e;
            }
        }
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

    /**
     * Verifies a local bundle (manifest, checksum, network, shapes), copies it into the store as the
     * next version, records the version in the copy's manifest and moves LATEST to it. The copy is
     * made in a hidden directory and renamed into place, so readers see no version or a whole one;
     * two publishers racing for a number both end up with a version of their own.
     *
     * @return the new version
     */
    public String publish(java.nio.file.Path bundleDir, String name) throws IOException, BundleException {
        Path modelDir = modelDir(name);
        Manifest manifest = ModelBundle.read(bundleDir).manifest(); // verify before anything is copied
        FileSystem fs = modelDir.getFileSystem();
        fs.mkdirs(modelDir);
        Path tmp = new Path(modelDir, ".publish-" + UUID.randomUUID());
        try {
            fs.mkdirs(tmp);
            try (Stream<java.nio.file.Path> files = Files.list(bundleDir)) {
                for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                    String file = f.getFileName().toString();
                    if (Files.isRegularFile(f) && !file.startsWith(".") && !file.equals(ModelBundle.MANIFEST_FILE)) {
                        String sha = copy(f, fs, new Path(tmp, file));
                        // the copy must be the bundle that was verified, not a file changed since
                        if (file.equals(ModelBundle.NETWORK_FILE) && !sha.equalsIgnoreCase(manifest.networkSha256())) {
                            throw new BundleException(f + ": changed while it was published (sha256 " + sha + ", manifest says "
                                    + manifest.networkSha256() + ")");
                        }
                    }
                }
            }
            while (true) {
                String version = nextVersion(name);
                try (OutputStream out = fs.create(new Path(tmp, ModelBundle.MANIFEST_FILE), FileSystem.WriteMode.OVERWRITE)) {
                    out.write(JSON.writeValueAsBytes(manifest.withVersion(version).toJson()));
                }
                Path target = new Path(modelDir, version);
                if (moved(fs, tmp, target)) {
                    setLatest(name, version);
                    return version;
                }
                // another publisher took this number: try the next one
            }
        } finally {
            if (fs.exists(tmp)) fs.delete(tmp, true);
        }
    }

    /**
     * Renames a new version into place: false when another publisher's version is already there. A
     * file system may say so by returning false or, like Flink's local one when the target is a
     * non-empty directory, by throwing.
     */
    private static boolean moved(FileSystem fs, Path tmp, Path target) throws IOException {
        try {
            if (fs.rename(tmp, target)) return true;
        } catch (IOException e) {
            if (!fs.exists(target)) throw e;
            return false;
        }
        if (!fs.exists(target)) throw new IOException("cannot move " + tmp + " to " + target);
        return false;
    }

    private String nextVersion(String name) throws IOException {
        List<String> v = versions(name);
        return v.isEmpty() ? "1" : Long.toString(Long.parseLong(v.get(v.size() - 1)) + 1);
    }

    /** Copies a local file into the store; returns the sha256 of the bytes copied. */
    private static String copy(java.nio.file.Path from, FileSystem fs, Path to) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(from), sha);
             OutputStream out = fs.create(to, FileSystem.WriteMode.NO_OVERWRITE)) {
            in.transferTo(out);
        }
        return HexFormat.of().formatHex(sha.digest());
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
