package io.streamcast.models.train;

/** Training progress callbacks (the CLI draws a progress bar; tests pass {@link #NONE}). */
public interface TrainListener {
    TrainListener NONE = new TrainListener() {
    };

    default void epochStarted(int epoch, int epochs, int batches) {
    }

    /** After each mini-batch, with its training loss. */
    default void batchDone(int batch, double loss) {
    }

    /** Validation is about to run over this many windows. */
    default void validating(int windows) {
    }

    default void epochDone(int epoch, double trainLoss, double valLoss, boolean best) {
    }
}
