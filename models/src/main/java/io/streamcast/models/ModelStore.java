package io.streamcast.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Where published model bundles live: {@code <root>/<name>/<version>/} (immutable bundle directories,
 * versions "1", "2", ...) and {@code <root>/<name>/LATEST} (the version to serve, replaced atomically).
 *
 * <p>Kept small so another file system (e.g. Flink's FileSystem for s3:// or hdfs://) can implement it.
 */
public interface ModelStore {

    /** Verifies the bundle, copies it in as the next version, records the version, moves LATEST to it. */
    String publish(Path bundleDir, String name) throws IOException, BundleException;

    /** The version LATEST points at, or {@code null} if nothing was published under this name. */
    String latest(String name) throws IOException;

    /** Points LATEST at an existing version (publish and rollback). */
    void setLatest(String name, String version) throws IOException;

    /** The bundle directory of a version (it may not exist). */
    Path resolve(String name, String version);

    /** Published versions, oldest first. Empty if none. */
    List<String> versions(String name) throws IOException;
}
