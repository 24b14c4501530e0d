package io.streamcast.models;

import java.util.List;

/**
 * The shape of a forecaster: a window of {@code window} steps x {@code channels.size()} channels in,
 * {@code horizon} steps x the same channels out.
 *
 * @param window        T, input steps
 * @param channels      channel names, in column order; C = channels.size()
 * @param horizon       H, forecast steps
 * @param head          flat or per-step
 * @param perStepTarget for per-step heads: next (default) or aligned; ignored for flat
 * @param units         LSTM units per layer
 * @param layers        stacked LSTM layers
 * @param activation    LSTM activation: tanh (default) or relu; an imported (Keras) network may also have
 *                      another DL4J activation, named here as in {@link #ACTIVATIONS} (for a stack with
 *                      mixed activations: the last LSTM's; the manifest's source lists every layer)
 * @param stepMillis    interval between steps, milliseconds (0 = unknown / count based)
 */
public record ModelSpec(
        int window,
        List<String> channels,
        int horizon,
        Head head,
        PerStepTarget perStepTarget,
        int units,
        int layers,
        String activation,
        long stepMillis) {

    /** Accepted LSTM activation names: tanh and relu (trainable here), then those only imports have. */
    public static final List<String> ACTIVATIONS = List.of(
            "tanh", "relu", "sigmoid", "hardsigmoid", "identity", "elu", "selu", "softsign", "softplus", "swish");

    public ModelSpec {
        channels = List.copyOf(channels);
        if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
        if (channels.isEmpty()) throw new IllegalArgumentException("at least one channel is needed");
        if (horizon < 1) throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        if (units < 1) throw new IllegalArgumentException("units must be >= 1, got " + units);
        if (layers < 1) throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        if (head == null) throw new IllegalArgumentException("head is required");
        if (perStepTarget == null) perStepTarget = PerStepTarget.NEXT;
        if (activation == null) activation = "tanh";
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("activation must be tanh or relu (imported models also: "
                    + String.join(", ", ACTIVATIONS.subList(2, ACTIVATIONS.size())) + "), got " + activation);
        }
        if (head == Head.PER_STEP && perStepTarget == PerStepTarget.ALIGNED && horizon != window) {
            throw new IllegalArgumentException(
                    "per-step head with target 'aligned' needs horizon == window (" + window + "), got " + horizon);
        }
    }

    /** C, the number of channels. */
    public int channelCount() {
        return channels.size();
    }

    /** Length of one flattened input window: T*C (time-major: step, then channel). */
    public int inputLength() {
        return window * channels.size();
    }

    /** Length of one flattened forecast: H*C (step-major: step, then channel). */
    public int outputLength() {
        return horizon * channels.size();
    }
}
