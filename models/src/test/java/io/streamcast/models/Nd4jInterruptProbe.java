package io.streamcast.models;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Run in a fresh JVM by {@link Nd4jRuntimeTest}: a thread that starts loading ND4J is interrupted
 * again and again (as Flink interrupts a cancelled task); afterwards ND4J must still work in this JVM.
 * Prints one line: {@code interrupted=<how the first caller ended> sum=<a computation>}.
 */
public final class Nd4jInterruptProbe {
    private Nd4jInterruptProbe() {
    }

    public static void main(String[] args) throws Exception {
        String[] outcome = {"returned"};
        Thread first = new Thread(() -> {
            try {
                Nd4jRuntime.ensureLoaded();
            } catch (InterruptedException e) {
                outcome[0] = "InterruptedException";
            }
        }, "cancelled-task");
        first.start();
        while (first.isAlive()) {
            first.interrupt();
            first.join(5);
        }
        Nd4jRuntime.ensureLoaded();
        System.out.println("interrupted=" + outcome[0] + " sum=" + Nd4j.create(new float[] {1, 2, 3}).sumNumber().floatValue());
    }
}
