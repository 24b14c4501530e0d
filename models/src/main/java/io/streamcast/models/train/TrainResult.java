package io.streamcast.models.train;

import io.streamcast.models.Normalizer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * @param network   the trained network, with the parameters of the best validation epoch
 * @param normalizer train-split statistics
 * @param trainLoss mean training loss per epoch run: MSE per output value of the network's own targets
 *                  (flat: the H steps; per-step: each step's target), normalised scale
 * @param valLoss   validation MSE of the H-step forecast (normalised scale) per epoch run
 * @param bestEpoch 1-based epoch whose parameters were kept
 * @param millis    wall time of training
 */
public record TrainResult(MultiLayerNetwork network, Normalizer normalizer, double[] trainLoss, double[] valLoss,
        int bestEpoch, boolean stoppedEarly, long millis) {
}
