package io.streamcast.models;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the DL4J network of a {@link ModelSpec}. Input is DL4J's RNN layout {@code [batch, channels, time]}
 * (NCW), where Keras uses {@code [batch, time, channels]}.
 *
 * <ul>
 *   <li>flat: LSTM x layers (the last wrapped in {@link LastTimeStep}) then OutputLayer(H*C_out), linear, MSE;
 *       output {@code [batch, H*C_out]}, step-major (= Keras {@code LSTM(U) -> Dense(H*C_out)} reshaped to
 *       H x C_out). With 0 layers, a linear model: OutputLayer(H*C_out) on the window flattened channel-major,
 *       input {@code [batch, C*T]}. A channel-independent spec has input width 1 and Dense(H): one series per row.
 *   <li>per-step: LSTM x layers then RnnOutputLayer(C_out), linear, MSE; output {@code [batch, C_out, time]}
 *       (= Keras {@code LSTM(U, return_sequences=True) -> TimeDistributed(Dense(C_out))}).
 * </ul>
 */
public final class Networks {
    public static final double DEFAULT_LEARNING_RATE = 1e-3;

    private Networks() {
    }

    /** An initialised, untrained network with Adam at the default learning rate. */
    public static MultiLayerNetwork build(ModelSpec spec, long seed) {
        return build(spec, seed, DEFAULT_LEARNING_RATE);
    }

    public static MultiLayerNetwork build(ModelSpec spec, long seed, double learningRate) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, seed, learningRate));
        net.init();
        return net;
    }

    public static MultiLayerConfiguration configuration(ModelSpec spec, long seed, double learningRate) {
        int c = spec.networkInputs();
        Activation act = activation(spec.activation());
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER)
                .list();
        for (int i = 0; i < spec.layers(); i++) {
            LSTM lstm = new LSTM.Builder()
                    .nIn(i == 0 ? c : spec.units())
                    .nOut(spec.units())
                    .activation(act)
                    .dataFormat(RNNFormat.NCW)
                    .build();
            boolean last = i == spec.layers() - 1;
            list.layer(spec.head() == Head.FLAT && last ? new LastTimeStep(lstm) : lstm);
        }
        if (spec.head() == Head.FLAT) {
            list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                    .nIn(spec.denseInputs())
                    .nOut(spec.networkOutputs())
                    .activation(Activation.IDENTITY)
                    .build());
        } else {
            list.layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                    .nIn(spec.units())
                    .nOut(spec.targetCount())
                    .activation(Activation.IDENTITY)
                    .dataFormat(RNNFormat.NCW)
                    .build());
        }
        list.setInputType(spec.layers() == 0 ? InputType.feedForward((long) c * spec.window())
                : InputType.recurrent(c, spec.window(), RNNFormat.NCW));
        return list.build();
    }

    static Activation activation(String name) {
        return switch (name) {
            case "tanh" -> Activation.TANH;
            case "relu" -> Activation.RELU;
            default -> throw new IllegalArgumentException("activation must be tanh or relu, got " + name);
        };
    }
}
