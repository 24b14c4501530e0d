package io.streamcast.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Nd4jRuntimeTest {

    /**
     * A fresh JVM with an empty JavaCPP cache, so the interrupts land while the natives are being
     * extracted and loaded: interrupting the thread that initialises ND4J itself breaks the class for
     * the JVM's life; through ensureLoaded only the waiting stops.
     */
    @Test
    void aCallerInterruptedWhileNd4jLoadsLeavesItUsableForTheNext(@TempDir Path cache) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx256m",
                "-Dorg.bytedeco.javacpp.cachedir=" + cache, "-cp", System.getProperty("java.class.path"),
                Nd4jInterruptProbe.class.getName()))
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "probe did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("interrupted=InterruptedException sum=6.0"), out);
    }
}
