package io.streamcast.models.train;

/**
 * Optimisation settings.
 *
 * @param epochs       maximum epochs
 * @param batchSize    windows per mini-batch
 * @param learningRate Adam learning rate
 * @param patience     stop after this many epochs without a better validation loss (0 = never stop early)
 * @param seed         weight init and shuffling; same seed + data + threads = same model
 * @param lrDecay      learning rate of epoch e = learningRate * lrDecay^(e-1) (1 = constant)
 */
public record TrainConfig(int epochs, int batchSize, double learningRate, int patience, long seed, double lrDecay) {
    /** A constant learning rate. */
    public TrainConfig(int epochs, int batchSize, double learningRate, int patience, long seed) {
        this(epochs, batchSize, learningRate, patience, seed, 1.0);
    }

    public TrainConfig {
        if (!(lrDecay > 0 && lrDecay <= 1)) throw new IllegalArgumentException("lr decay must be in (0, 1], got " + lrDecay);
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (batchSize < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batchSize);
        if (!(learningRate > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + learningRate);
        if (patience < 0) throw new IllegalArgumentException("patience must be >= 0, got " + patience);
    }
}
