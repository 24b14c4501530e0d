package io.streamcast.models;

import java.util.List;

/**
 * The shape of a forecaster: a window of {@code window} steps x {@code channels.size()} input channels in,
 * {@code horizon} steps x {@code targets.size()} target channels out (the targets are named input channels,
 * by default all of them).
 *
 * @param window        T, input steps
 * @param channels      channel names, in column order; C = channels.size()
 * @param horizon       H, forecast steps
 * @param head          flat or per-step
 * @param perStepTarget for per-step heads: next (default) or aligned; ignored for flat
 * @param units         LSTM units per layer
 * @param layers        stacked LSTM layers; 0 (flat head only): no LSTM, one linear Dense layer from the whole
 *                      (normalised) window to the forecast, as the literature's linear baselines (NLinear with
 *                      window normalisation {@code last})
 * @param activation    LSTM activation: tanh (default) or relu; an imported (Keras) network may also have
 *                      another DL4J activation, named here as in {@link #ACTIVATIONS} (for a stack with
 *                      mixed activations: the last LSTM's; the manifest's source lists every layer)
 * @param stepMillis    interval between steps, milliseconds (0 = unknown / count based)
 * @param targets       the forecast channels, a subset of {@code channels} in output order (null or empty: all
 *                      channels); the per-step head's {@code next} roll-out feeds outputs back as inputs, so it
 *                      needs every channel as a target
 * @param channelIndependent the network sees ONE channel at a time ({@code [T, 1]} in, H out, flat head only)
 *                      and the same weights forecast every target channel from that channel's own past (as
 *                      PatchTST/DLinear); false (the default, also for bundles without the field): the network
 *                      sees all C channels and forecasts H*C_out values at once
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
        long stepMillis,
        List<String> targets,
        boolean channelIndependent) {

    /** Accepted LSTM activation names: tanh and relu (trainable here), then those only imports have. */
    public static final List<String> ACTIVATIONS = List.of(
            "tanh", "relu", "sigmoid", "hardsigmoid", "identity", "elu", "selu", "softsign", "softplus", "swish");

    /** A spec whose targets are all input channels. */
    public ModelSpec(int window, List<String> channels, int horizon, Head head, PerStepTarget perStepTarget, int units,
            int layers, String activation, long stepMillis) {
        this(window, channels, horizon, head, perStepTarget, units, layers, activation, stepMillis, null);
    }

    /** A spec whose network sees all input channels at once. */
    public ModelSpec(int window, List<String> channels, int horizon, Head head, PerStepTarget perStepTarget, int units,
            int layers, String activation, long stepMillis, List<String> targets) {
        this(window, channels, horizon, head, perStepTarget, units, layers, activation, stepMillis, targets, false);
    }

    public ModelSpec {
        channels = List.copyOf(channels);
        targets = targets == null || targets.isEmpty() ? channels : List.copyOf(targets);
        if (window < 1) throw new IllegalArgumentException("window must be >= 1, got " + window);
        if (channels.isEmpty()) throw new IllegalArgumentException("at least one channel is needed");
        if (horizon < 1) throw new IllegalArgumentException("horizon must be >= 1, got " + horizon);
        if (units < 1) throw new IllegalArgumentException("units must be >= 1, got " + units);
        if (layers < 0) throw new IllegalArgumentException("layers must be >= 0, got " + layers);
        if (head == null) throw new IllegalArgumentException("head is required");
        if (perStepTarget == null) perStepTarget = PerStepTarget.NEXT;
        if (activation == null) activation = "tanh";
        if (!ACTIVATIONS.contains(activation)) {
            throw new IllegalArgumentException("activation must be tanh or relu (imported models also: "
                    + String.join(", ", ACTIVATIONS.subList(2, ACTIVATIONS.size())) + "), got " + activation);
        }
        for (int i = 0; i < targets.size(); i++) {
            String t = targets.get(i);
            if (!channels.contains(t)) {
                throw new IllegalArgumentException("target '" + t + "' is not an input channel " + channels);
            }
            if (targets.indexOf(t) != i) throw new IllegalArgumentException("target '" + t + "' is named twice");
        }
        if (head == Head.PER_STEP && perStepTarget == PerStepTarget.NEXT && !targets.equals(channels)) {
            throw new IllegalArgumentException("the per-step head with target 'next' feeds each output back as the next "
                    + "input, so its targets must be all input channels " + channels + " in order, not " + targets
                    + "; use the flat head or --per-step-target aligned");
        }
        if (layers == 0 && head != Head.FLAT) {
            throw new IllegalArgumentException("layers 0 (a linear model, no LSTM) needs the flat head, not " + head);
        }
        if (channelIndependent && head != Head.FLAT) {
            throw new IllegalArgumentException("a channel-independent model needs the flat head, not " + head);
        }
        if (head == Head.PER_STEP && perStepTarget == PerStepTarget.ALIGNED && horizon != window) {
            throw new IllegalArgumentException(
                    "per-step head with target 'aligned' needs horizon == window (" + window + "), got " + horizon);
        }
    }

    /** C_in, the number of input channels. */
    public int channelCount() {
        return channels.size();
    }

    /** C_out, the number of forecast (target) channels. */
    public int targetCount() {
        return targets.size();
    }

    /** Whether every input channel is forecast, in input order. */
    public boolean targetsAllChannels() {
        return targets.equals(channels);
    }

    /** For each target, its index among the input channels. */
    public int[] targetIndices() {
        int[] idx = new int[targets.size()];
        for (int k = 0; k < idx.length; k++) idx[k] = channels.indexOf(targets.get(k));
        return idx;
    }

    /** Input width of the network: 1 for a channel-independent model, else C_in. */
    public int networkInputs() {
        return channelIndependent ? 1 : channels.size();
    }

    /** Outputs of the flat head's Dense layer per network input row: H (channel-independent) or H*C_out. */
    public int networkOutputs() {
        return channelIndependent ? horizon : outputLength();
    }

    /** Inputs of the Dense output layer: the last LSTM's units, or (layers 0) the whole window, networkInputs*T. */
    public int denseInputs() {
        return layers == 0 ? networkInputs() * window : units;
    }

    /** Length of one flattened input window: T*C (time-major: step, then channel). */
    public int inputLength() {
        return window * channels.size();
    }

    /** Length of one flattened forecast: H*C_out (step-major: step, then target). */
    public int outputLength() {
        return horizon * targets.size();
    }
}
