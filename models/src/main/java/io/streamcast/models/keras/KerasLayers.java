package io.streamcast.models.keras;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nd4j.linalg.activations.Activation;

/**
 * Reads a Keras model config (Keras 2 or 3 JSON, Sequential or functional) into the chain of layers from
 * the input to the output, refusing anything streamcast cannot run exactly: other layer types, options
 * that change the computation (stateful, go_backwards, return_state, ...), branches, several inputs or
 * outputs.
 */
final class KerasLayers {
    private KerasLayers() {
    }

    static final String SUPPORTED = "InputLayer, LSTM, Dense, TimeDistributed(Dense), Dropout and Reshape((H, C))";

    /** One layer of the chain. */
    sealed interface Layer permits Input, Lstm, Dense, Dropout, Reshape {
        String name();

        String className();
    }

    /** @param window T, or null when the model accepts any number of steps */
    record Input(String name, String className, Integer window, int channels) implements Layer {
    }

    record Lstm(String name, String className, int units, Activation activation, Activation recurrentActivation,
            boolean useBias, boolean returnSequences, String kerasActivation, String kerasRecurrentActivation)
            implements Layer {
    }

    /** A Dense layer, bare or wrapped in TimeDistributed ({@code innerName} is then the Dense's own name). */
    record Dense(String name, String className, int units, Activation activation, boolean useBias,
            boolean timeDistributed, String innerName, String kerasActivation) implements Layer {
    }

    /** Identity at inference. */
    record Dropout(String name, String className) implements Layer {
    }

    record Reshape(String name, String className, List<Integer> targetShape) implements Layer {
    }

    /** The parsed model: its class and name, every config layer (in config order) and the input-to-output chain. */
    record Model(String modelClass, String modelName, List<Layer> chain, List<String> configOrder,
            Map<String, String> classOfLayer) {
        Input input() {
            return (Input) chain.get(0);
        }
    }

    static Model parse(KerasFile file) {
        JsonNode root = file.modelConfig();
        String where = file.path().getFileName().toString();
        String cls = root.path("class_name").asText("");
        JsonNode cfg = root.path("config");
        List<JsonNode> raw = new ArrayList<>();
        List<String> chainNames;
        String modelName;
        switch (cls) {
            case "Sequential" -> {
                JsonNode layers = cfg.isArray() ? cfg : cfg.path("layers");
                layers.forEach(raw::add);
                modelName = cfg.path("name").asText("sequential");
                chainNames = null;
            }
            case "Functional", "Model" -> {
                cfg.path("layers").forEach(raw::add);
                modelName = cfg.path("name").asText("model");
                chainNames = functionalChain(where, cfg, raw);
            }
            default -> throw new KerasImportException(where + ": the model is a '" + cls + "'; streamcast imports "
                    + "Sequential and functional models (a subclassed model cannot be imported: rebuild it as "
                    + "keras.Sequential or keras.Model(inputs, outputs) and copy the weights)");
        }
        if (raw.isEmpty()) throw new KerasImportException(where + ": the model config has no layers");

        Map<String, JsonNode> byName = new LinkedHashMap<>();
        Map<String, String> classOf = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (JsonNode l : raw) {
            String name = layerName(l);
            byName.put(name, l);
            classOf.put(name, l.path("class_name").asText());
            order.add(name);
        }
        List<Layer> chain = new ArrayList<>();
        if (chainNames == null) {
            // Sequential: config order is the chain; the input shape is on an InputLayer or the first layer.
            JsonNode first = raw.get(0);
            if (!"InputLayer".equals(first.path("class_name").asText())) {
                chain.add(inputFrom(where, layerName(first) + "_input", first.path("config"), first));
            }
            for (JsonNode l : raw) chain.add(convert(where, l, file.isKeras2()));
        } else {
            for (String n : chainNames) chain.add(convert(where, byName.get(n), file.isKeras2()));
        }
        return new Model(cls, modelName, chain, order, classOf);
    }

    private static String layerName(JsonNode l) {
        String n = l.path("config").path("name").asText(null);
        if (n == null) n = l.path("name").asText(null);
        if (n == null) throw new KerasImportException("a layer in the model config has no name: " + l.path("class_name"));
        return n;
    }

    /** Functional model: the names from the single input to the single output, refusing branches. */
    private static List<String> functionalChain(String where, JsonNode cfg, List<JsonNode> raw) {
        List<String> inputs = endpoints(cfg.path("input_layers"));
        List<String> outputs = endpoints(cfg.path("output_layers"));
        if (inputs.size() != 1) {
            throw new KerasImportException(where + ": the model has " + inputs.size() + " inputs " + inputs
                    + "; streamcast imports models with one input (a window of T steps x C channels)");
        }
        if (outputs.size() != 1) {
            throw new KerasImportException(where + ": the model has " + outputs.size() + " outputs " + outputs
                    + "; streamcast imports models with one output");
        }
        Map<String, List<String>> preds = new HashMap<>();
        for (JsonNode l : raw) {
            String name = layerName(l);
            JsonNode nodes = l.path("inbound_nodes");
            if (nodes.size() > 1) {
                throw new KerasImportException(where + ": layer '" + name + "' (" + l.path("class_name").asText()
                        + ") is called " + nodes.size() + " times (a shared layer); streamcast imports a plain chain of layers");
            }
            List<String> p = new ArrayList<>();
            if (nodes.size() == 1) collectInbound(nodes.get(0), p);
            preds.put(name, p);
        }
        List<String> chain = new ArrayList<>();
        String cur = outputs.get(0);
        while (true) {
            if (chain.contains(cur) || !preds.containsKey(cur)) {
                throw new KerasImportException(where + ": cannot follow the layers from output to input at '" + cur + "'");
            }
            chain.add(0, cur);
            List<String> p = preds.get(cur);
            if (cur.equals(inputs.get(0))) break;
            if (p.size() != 1) {
                throw new KerasImportException(where + ": layer '" + cur + "' has " + p.size() + " inputs " + p
                        + "; streamcast imports a plain chain of layers (no merges or branches)");
            }
            cur = p.get(0);
        }
        if (chain.size() != raw.size()) {
            List<String> extra = new ArrayList<>();
            for (JsonNode l : raw) if (!chain.contains(layerName(l))) extra.add(layerName(l));
            throw new KerasImportException(where + ": layers " + extra + " are not on the path from the input to the output"
                    + " (branches are not supported)");
        }
        return chain;
    }

    /** input_layers / output_layers: ["name", 0, 0] (Keras 3, one) or [["name", 0, 0], ...]. */
    private static List<String> endpoints(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray() && n.size() > 0 && n.get(0).isTextual()) {
            out.add(n.get(0).asText());
        } else {
            for (JsonNode e : n) out.add(e.get(0).asText());
        }
        return out;
    }

    /** Keras 2: [[name, node, tensor, kwargs], ...]; Keras 3: {"args": [...keras tensors...], "kwargs": {...}}. */
    private static void collectInbound(JsonNode node, List<String> out) {
        if (node.isArray()) {
            for (JsonNode e : node) {
                if (e.isArray() && e.size() >= 3 && e.get(0).isTextual()) out.add(e.get(0).asText());
            }
        } else {
            collectTensors(node.path("args"), out);
        }
    }

    private static void collectTensors(JsonNode n, List<String> out) {
        if (n.isObject() && "__keras_tensor__".equals(n.path("class_name").asText())) {
            out.add(n.path("config").path("keras_history").get(0).asText());
        } else if (n.isArray() || n.isObject()) {
            for (JsonNode c : n) collectTensors(c, out);
        }
    }

    private static Layer convert(String where, JsonNode l, boolean keras2) {
        String cls = l.path("class_name").asText();
        JsonNode c = l.path("config");
        String name = layerName(l);
        String what = where + ": layer '" + name + "' (" + cls + ")";
        checkDtype(what, c.get("dtype"));
        if (c.path("layer").isObject()) checkDtype(what, c.path("layer").path("config").get("dtype"));
        return switch (cls) {
            case "InputLayer" -> inputFrom(where, name, c, l);
            case "LSTM" -> lstm(what, name, c, keras2);
            case "Dense" -> dense(what, name, cls, c, false, name, keras2);
            case "TimeDistributed" -> {
                JsonNode inner = c.path("layer");
                String innerCls = inner.path("class_name").asText();
                if (!"Dense".equals(innerCls)) {
                    throw new KerasImportException(what + ": TimeDistributed(" + innerCls + ") is not supported; "
                            + "only TimeDistributed(Dense) is");
                }
                yield dense(what, name, cls, inner.path("config"), true, inner.path("config").path("name").asText(name), keras2);
            }
            case "Dropout" -> new Dropout(name, cls);
            case "Reshape" -> {
                List<Integer> shape = new ArrayList<>();
                c.path("target_shape").forEach(x -> shape.add(x.asInt()));
                yield new Reshape(name, cls, shape);
            }
            default -> throw new KerasImportException(what + " is not supported; streamcast imports " + SUPPORTED);
        };
    }

    private static Input inputFrom(String where, String name, JsonNode c, JsonNode layer) {
        JsonNode shape = c.has("batch_shape") ? c.get("batch_shape") : c.get("batch_input_shape");
        if (shape == null && layer.path("build_config").has("input_shape")) shape = layer.path("build_config").get("input_shape");
        if (shape == null || shape.isNull()) {
            throw new KerasImportException(where + ": the model has no input shape; build it with keras.Input((T, C))");
        }
        if (shape.size() != 3) {
            throw new KerasImportException(where + ": input '" + name + "' has shape " + shape
                    + "; streamcast needs (batch, time steps, channels)");
        }
        Integer t = shape.get(1).isNull() ? null : shape.get(1).asInt();
        if (shape.get(2).isNull()) {
            throw new KerasImportException(where + ": input '" + name + "' has no fixed number of channels " + shape);
        }
        return new Input(name, "InputLayer", t, shape.get(2).asInt());
    }

    private static Lstm lstm(String what, String name, JsonNode c, boolean keras2) {
        refuseTrue(what, c, "stateful", "streamcast scores independent windows; rebuild the model with stateful=False "
                + "and copy the weights (model.set_weights)");
        refuseTrue(what, c, "go_backwards", "the sequence would be read in reverse");
        refuseTrue(what, c, "return_state", "streamcast uses the LSTM's output only");
        refuseTrue(what, c, "time_major", "inputs are (batch, time, channels)");
        if (c.has("inner_activation")) {
            throw new KerasImportException(what + ": a Keras 1 config (inner_activation); re-save it with Keras 2 or 3");
        }
        String act = activationName(what, c, "activation", "tanh");
        String rec = activationName(what, c, "recurrent_activation", keras2 ? "hard_sigmoid" : "sigmoid");
        Activation a = activation(what, "activation", act, keras2, false);
        Activation r = activation(what, "recurrent_activation", rec, keras2, false);
        return new Lstm(name, "LSTM", c.path("units").asInt(), a, r, c.path("use_bias").asBoolean(true),
                c.path("return_sequences").asBoolean(false), act, rec);
    }

    private static Dense dense(String what, String name, String cls, JsonNode c, boolean timeDistributed, String innerName,
            boolean keras2) {
        if (c.hasNonNull("lora_rank")) {
            throw new KerasImportException(what + ": lora_rank=" + c.get("lora_rank") + " is not supported; "
                    + "merge the LoRA weights first (layer.disable_lora / save after merging)");
        }
        if (c.hasNonNull("quantization_config") || (c.path("dtype").isObject()
                && c.path("dtype").path("class_name").asText("").contains("Quant"))) {
            throw new KerasImportException(what + ": quantised Dense layers are not supported; save the model in float32");
        }
        String act = activationName(what, c, "activation", "linear");
        return new Dense(name, cls, c.path("units").asInt(), activation(what, "activation", act, keras2, true),
                c.path("use_bias").asBoolean(true), timeDistributed, innerName, act);
    }

    /** The network computes in float32: a float16/bfloat16 or mixed-precision layer would not give Keras's numbers. */
    private static void checkDtype(String what, JsonNode dtype) {
        if (dtype == null || dtype.isNull()) return;
        String name = dtype.isTextual() ? dtype.asText() : dtype.path("config").path("name").asText("float32");
        if (!name.equals("float32") && !name.equals("float64")) {
            throw new KerasImportException(what + ": dtype '" + name + "' is not supported; streamcast computes in "
                    + "float32 (save the model with float32 layers)");
        }
    }

    private static void refuseTrue(String what, JsonNode c, String option, String why) {
        if (c.path(option).asBoolean(false)) {
            throw new KerasImportException(what + ": " + option + "=True is not supported (" + why + ")");
        }
    }

    private static String activationName(String what, JsonNode c, String field, String dflt) {
        JsonNode a = c.get(field);
        if (a == null) return dflt;
        if (a.isNull()) return "linear"; // Keras: activations.get(None) is linear
        if (a.isTextual()) return a.asText();
        throw new KerasImportException(what + ": " + field + " " + a + " is not a built-in activation name; "
                + "streamcast imports built-in activations only");
    }

    /**
     * Keras activation name -> the DL4J activation computing the same function. Keras 3's hard_sigmoid is
     * relu6(x + 3) / 6, not Keras 2's (and DL4J's) clip(0.2 x + 0.5, 0, 1), so it is refused there.
     */
    static Activation activation(String what, String field, String keras, boolean keras2, boolean output) {
        Activation a = switch (keras.toLowerCase(Locale.ROOT)) {
            case "linear" -> Activation.IDENTITY;
            case "tanh" -> Activation.TANH;
            case "relu" -> Activation.RELU;
            case "sigmoid" -> Activation.SIGMOID;
            case "elu" -> Activation.ELU;
            case "selu" -> Activation.SELU;
            case "softplus" -> Activation.SOFTPLUS;
            case "softsign" -> Activation.SOFTSIGN;
            case "swish", "silu" -> Activation.SWISH;
            case "softmax" -> output ? Activation.SOFTMAX : null;
            case "hard_sigmoid" -> keras2 ? Activation.HARDSIGMOID : null;
            default -> null;
        };
        if (a == null) {
            String hint = keras.equals("hard_sigmoid")
                    ? " (Keras 3's hard_sigmoid is relu6(x+3)/6, which DL4J does not have; Keras 2's 0.2x+0.5 is supported)"
                    : keras.equals("softmax") ? " (softmax is supported on the output Dense only)" : "";
            throw new KerasImportException(what + ": " + field + "='" + keras + "' is not supported" + hint
                    + "; supported: linear, tanh, relu, sigmoid, elu, selu, softplus, softsign, swish/silu"
                    + (output ? ", softmax" : "") + (keras2 ? ", hard_sigmoid" : ""));
        }
        return a;
    }

    /** Keras 3 .keras weights-store name of each layer: snake_case(class name), numbered per class in config order. */
    static Map<String, String> storeNames(Model m) {
        Map<String, Integer> used = new HashMap<>();
        Map<String, String> out = new HashMap<>();
        for (String layer : m.configOrder()) {
            String base = snakeCase(m.classOfLayer().get(layer));
            Integer n = used.get(base);
            if (n == null) {
                used.put(base, 0);
                out.put(layer, base);
            } else {
                used.put(base, n + 1);
                out.put(layer, base + "_" + (n + 1));
            }
        }
        return out;
    }

    /** As Keras's naming.to_snake_case: "TimeDistributed" -> "time_distributed", "LSTM" -> "lstm". */
    static String snakeCase(String name) {
        String n = name.replaceAll("\\W+", "");
        n = n.replaceAll("(.)([A-Z][a-z]+)", "$1_$2");
        return n.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
