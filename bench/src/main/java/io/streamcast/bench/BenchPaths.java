package io.streamcast.bench;

import java.nio.file.Path;

/** Where the benchmarks keep scratch files: {@code <repo>/work/bench} unless told otherwise. */
final class BenchPaths {
    private BenchPaths() {
    }

    static Path work(Path given) {
        if (given != null) return given.toAbsolutePath();
        String env = System.getenv("STREAMCAST_WORK");
        if (env != null && !env.isBlank()) return Path.of(env, "bench").toAbsolutePath();
        String home = System.getProperty("streamcast.home");
        return Path.of(home != null ? home : ".", "work", "bench").toAbsolutePath().normalize();
    }
}
