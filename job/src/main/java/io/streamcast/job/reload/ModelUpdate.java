package io.streamcast.job.reload;

import java.util.Objects;

/**
 * A pointer to an immutable model bundle: what the {@link ModelWatcher} emits and the only thing the
 * inference operator keeps in (broadcast) state. The network itself is never in state: it is re-read
 * from {@link #uri} and checked against {@link #sha256}. A Flink POJO.
 */
public class ModelUpdate {
    /** The model's name in the store. */
    public String name;
    /** The store version ("1", "2", ...); "dev" for a bundle that was never published. */
    public String version;
    /** The bundle directory, as a Flink file system URI (file:///..., s3://..., hdfs://...). */
    public String uri;
    /** sha256 of the bundle's network file as its manifest recorded it when the pointer was taken; empty if unreadable. */
    public String sha256;

    public ModelUpdate() {
    }

    public ModelUpdate(String name, String version, String uri, String sha256) {
        this.name = name;
        this.version = version;
        this.uri = uri;
        this.sha256 = sha256 == null ? "" : sha256;
    }

    /** "name@version", as logs and metrics show it. */
    public String label() {
        return name + "@" + version;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelUpdate u && Objects.equals(name, u.name) && Objects.equals(version, u.version)
                && Objects.equals(uri, u.uri) && Objects.equals(sha256, u.sha256);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, version, uri, sha256);
    }

    @Override
    public String toString() {
        return "ModelUpdate{" + label() + " " + uri + " sha256=" + sha256 + "}";
    }
}
