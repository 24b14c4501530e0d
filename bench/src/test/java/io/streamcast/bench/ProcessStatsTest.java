package io.streamcast.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessStatsTest {

    @Test
    void cpuByThreadNamesTheThreadThatSpentIt() throws Exception {
        long pid = ProcessHandle.current().pid();
        CountDownLatch stop = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            long x = 0;
            while (stop.getCount() > 0) x += System.nanoTime() % 7; // spin: burns CPU until told to stop
            if (x == 42) System.out.print("");
        }, "busy-spinner-12");
        busy.start();
        try {
            // at least 3 ticks (10 ms each) of its own CPU time, however slow the machine
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            Map<String, Long> byThread = ProcessStats.cpuNanosByThread(pid);
            while (byThread.getOrDefault("busy-spinner-N", 0L) < 30_000_000L && System.nanoTime() < deadline) {
                busy.join(50);
                byThread = ProcessStats.cpuNanosByThread(pid);
            }
            assertFalse(byThread.containsKey("busy-spinner-12"), byThread.toString());
            assertTrue(byThread.getOrDefault("busy-spinner-N", 0L) >= 30_000_000L, byThread.toString());
            // the live threads' times add up to no more than the process's total (read after them)
            long sum = byThread.values().stream().mapToLong(Long::longValue).sum();
            assertTrue(sum <= ProcessStats.cpuNanos(pid), sum + " > " + ProcessStats.cpuNanos(pid));
        } finally {
            stop.countDown();
            busy.join();
        }
    }

    @Test
    void aProcessThatDoesNotExistHasNoThreads() {
        assertTrue(ProcessStats.cpuNanosByThread(Long.MAX_VALUE).isEmpty());
    }
}
