package io.streamcast.models.train;

import io.streamcast.models.ForecastModel;
import io.streamcast.models.Head;
import io.streamcast.models.Manifest;
import io.streamcast.models.ModelSpec;
import io.streamcast.models.Networks;
import io.streamcast.models.Normalizer;
import io.streamcast.models.PerStepTarget;
import io.streamcast.models.WindowNorm;
import io.streamcast.models.data.Split;
import io.streamcast.models.data.TimeSeries;
import io.streamcast.models.data.WindowSet;
import io.streamcast.models.eval.Evaluation;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a {@link ModelSpec}'s network on a series: z-score with train-split statistics, windows of T input
 * and H target rows, shuffled mini-batches (seeded), Adam, early stopping on the validation forecast MSE
 * (best parameters restored).
 *
 * <p>Labels per head, of the spec's target channels: flat = the next H rows (step-major H*C_out outputs);
 * per-step {@code next} = the input shifted by one (input rows 0..T-1, labels rows 1..T: every step learns the
 * step after it; targets = all channels); per-step {@code aligned} = rows T..2T-1 (output t learns step T+t;
 * H == T).
 *
 * <p>A channel-independent spec trains on every (window, target channel) pair as its own sample: input the
 * channel's T values, label its next H values (C_out times the samples of one window each, all through the same
 * weights). Validation and early stopping score the assembled multi-channel forecast, as served.
 */
public final class Trainer {
    private Trainer() {
    }

    public static TrainResult train(TimeSeries series, Split split, ModelSpec spec, WindowNorm windowNorm,
            TrainConfig cfg, TrainListener listener) {
        if (series.channelCount() != spec.channelCount()) {
            throw new IllegalArgumentException("spec has " + spec.channelCount() + " channels, the data "
                    + series.channelCount());
        }
        long t0 = System.nanoTime();
        Normalizer normalizer = Normalizer.fit(series.rows(split.train().start(), split.train().end()), windowNorm);
        float[][] z = WindowSet.normalize(series.rows(), normalizer);
        int t = spec.window();
        int h = spec.horizon();
        WindowSet train = WindowSet.of(series.rows(), split.train(), spec);
        WindowSet val = WindowSet.of(series.rows(), split.validation(), spec);
        if (train.size() == 0) {
            throw new IllegalArgumentException("the training range " + split.train() + " is too short for window " + t
                    + " + horizon " + h);
        }
        if (val.size() == 0) {
            throw new IllegalArgumentException("the validation range " + split.validation() + " is too short for window "
                    + t + " + horizon " + h);
        }

        MultiLayerNetwork net = Networks.build(spec, cfg.seed(), cfg.learningRate());
        ForecastModel forecaster = ForecastModel.of(Manifest.of("training", spec, normalizer), net);
        Random random = new Random(cfg.seed());
        // channel-independent: sample i*C_out + k is target k of window i
        int perWindow = spec.channelIndependent() ? spec.targetCount() : 1;
        int[] order = new int[train.size() * perWindow];
        for (int i = 0; i < order.length; i++) order[i] = spec.channelIndependent() ? i : train.start(i);
        int firstStart = train.start(0);

        int batches = (order.length + cfg.batchSize() - 1) / cfg.batchSize();
        double[] trainLoss = new double[cfg.epochs()];
        double[] valLoss = new double[cfg.epochs()];
        double best = Double.POSITIVE_INFINITY;
        INDArray bestParams = null;
        int bestEpoch = 0;
        int epochsRun = 0;
        boolean stoppedEarly = false;
        for (int epoch = 1; epoch <= cfg.epochs(); epoch++) {
            shuffle(order, random);
            if (epoch > 1 && cfg.lrDecay() != 1.0) net.setLearningRate(cfg.learningRate() * Math.pow(cfg.lrDecay(), epoch - 1));
            listener.epochStarted(epoch, cfg.epochs(), batches);
            double sum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * cfg.batchSize();
                int to = Math.min(order.length, from + cfg.batchSize());
                net.fit(spec.channelIndependent() ? channelBatch(z, order, from, to, firstStart, spec, normalizer)
                        : batch(z, order, from, to, spec, normalizer));
                // DL4J scores a sequence output as the sum over time steps of the per-step MSE: divide by T
                // so both heads report a mean squared error per output value.
                double loss = spec.head() == Head.FLAT ? net.score() : net.score() / t;
                sum += loss * (to - from);
                listener.batchDone(b + 1, loss);
            }
            trainLoss[epoch - 1] = sum / order.length;
            listener.validating(val.size());
            valLoss[epoch - 1] = Evaluation.evaluate(forecaster::predict, normalizer, val, 512, null).model().mse();
            epochsRun = epoch;
            boolean improved = valLoss[epoch - 1] < best;
            if (improved) {
                best = valLoss[epoch - 1];
                bestEpoch = epoch;
                bestParams = net.params().dup();
            }
            listener.epochDone(epoch, trainLoss[epoch - 1], valLoss[epoch - 1], improved);
            if (!Double.isFinite(trainLoss[epoch - 1])) {
                stoppedEarly = true; // diverged: keep the best finite epoch
                break;
            }
            if (cfg.patience() > 0 && epoch - bestEpoch >= cfg.patience()) {
                stoppedEarly = epoch < cfg.epochs();
                break;
            }
        }
        if (bestParams == null) {
            throw new IllegalStateException("training diverged: no epoch gave a finite validation loss; "
                    + "fix: lower --lr or use --activation tanh");
        }
        net.setParams(bestParams);
        return new TrainResult(net, normalizer, java.util.Arrays.copyOf(trainLoss, epochsRun),
                java.util.Arrays.copyOf(valLoss, epochsRun), bestEpoch, stoppedEarly,
                (System.nanoTime() - t0) / 1_000_000);
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }

    /**
     * Channel-independent samples: {@code samples[i] = w*C_out + k} is target channel k of the window starting at
     * row {@code firstStart + w}. Features [n, 1, T] ([n, T] for a linear model), labels [n, H], in the network's (z-scored, offset) space.
     */
    static DataSet channelBatch(float[][] z, int[] samples, int from, int to, int firstStart, ModelSpec spec,
            Normalizer normalizer) {
        int n = to - from;
        int t = spec.window();
        int h = spec.horizon();
        int c = spec.channelCount();
        int[] targets = spec.targetIndices();
        float[] feat = new float[n * t];
        float[] lab = new float[n * h];
        float[] zWindow = new float[t * c];
        float[] off = new float[c];
        for (int b = 0; b < n; b++) {
            int s = firstStart + samples[from + b] / targets.length;
            int ch = targets[samples[from + b] % targets.length];
            for (int i = 0; i < t; i++) System.arraycopy(z[s + i], 0, zWindow, i * c, c);
            normalizer.windowOffset(zWindow, t, off);
            for (int i = 0; i < t; i++) feat[b * t + i] = z[s + i][ch] - off[ch];
            for (int i = 0; i < h; i++) lab[b * h + i] = z[s + t + i][ch] - off[ch];
        }
        long[] shape = spec.layers() == 0 ? new long[] {n, t} : new long[] {n, 1, t};
        return new DataSet(Nd4j.create(feat, shape, 'c'), Nd4j.create(lab, new long[] {n, h}, 'c'));
    }

    /** Features [B, C, T] ([B, C*T] for a linear model) and labels in the head's layout, in the network's (z-scored, offset) space. */
    static DataSet batch(float[][] z, int[] starts, int from, int to, ModelSpec spec, Normalizer normalizer) {
        int n = to - from;
        int t = spec.window();
        int c = spec.channelCount();
        int h = spec.horizon();
        int[] targets = spec.targetIndices();
        int cOut = targets.length;
        boolean flat = spec.head() == Head.FLAT;
        int labelShift = spec.perStepTarget() == PerStepTarget.ALIGNED ? t : 1;
        float[] feat = new float[n * c * t];
        float[] lab = new float[flat ? n * h * cOut : n * cOut * t];
        float[] zWindow = new float[t * c];
        float[] off = new float[c];
        for (int b = 0; b < n; b++) {
            int s = starts[from + b];
            for (int i = 0; i < t; i++) System.arraycopy(z[s + i], 0, zWindow, i * c, c);
            normalizer.windowOffset(zWindow, t, off);
            for (int i = 0; i < t; i++) {
                for (int k = 0; k < c; k++) feat[(b * c + k) * t + i] = z[s + i][k] - off[k];
                if (!flat) {
                    for (int k = 0; k < cOut; k++) {
                        int ch = targets[k];
                        lab[(b * cOut + k) * t + i] = z[s + i + labelShift][ch] - off[ch];
                    }
                }
            }
            if (flat) {
                for (int i = 0; i < h; i++) {
                    for (int k = 0; k < cOut; k++) {
                        int ch = targets[k];
                        lab[b * h * cOut + i * cOut + k] = z[s + t + i][ch] - off[ch];
                    }
                }
            }
        }
        INDArray f = Nd4j.create(feat, spec.layers() == 0 ? new long[] {n, (long) c * t} : new long[] {n, c, t}, 'c');
        INDArray l = flat ? Nd4j.create(lab, new long[] {n, h * cOut}, 'c')
                : Nd4j.create(lab, new long[] {n, cOut, t}, 'c');
        return new DataSet(f, l);
    }
}
