#!/usr/bin/env python3
"""Builds, briefly trains and saves the small Keras models that streamcast's Keras import is tested on.

Run (outside the repository's build; tests and CI never need Python):

    python3 -m venv /tmp/keras-venv
    /tmp/keras-venv/bin/pip install -r tools/keras/requirements.txt
    /tmp/keras-venv/bin/python tools/keras/make_fixtures.py models/src/test/resources/keras [NAME...]

(with NAMEs, only those fixtures are regenerated and the rest of fixtures.json is kept).

For every supported fixture NAME it writes, into the output folder:
    NAME.keras      Keras 3 native format (zip: config.json + model.weights.h5)
    NAME.k3.h5      Keras 3 legacy HDF5 format (model_config attribute + model_weights group)
    NAME.k2.h5      Keras 2 HDF5 format, written by the Keras 2 implementation that TensorFlow still
                    ships as tensorflow.python.keras (only where that Keras 2 has the layers)
    NAME.in.csv     input windows, one per row, T*C values time-major (step, then channel)
    NAME.out.csv    Keras 3's outputs for those windows, one row per window, flattened in Keras's
                    own layout (flat: the Dense outputs; per-step: T*nOut, step-major)
    NAME.k2.out.csv Keras 2's outputs (its own forward pass) for the Keras 2 file
and unsupported examples (NAME.keras / NAME.k3.h5 / NAME.k2.h5 without outputs) for error tests.
fixtures.json lists every file with what the importer should make of it.

Everything is seeded; the values change only with the TensorFlow/Keras versions (recorded in
fixtures.json).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers as L  # noqa: E402

# The Keras 2 that TensorFlow keeps inside itself (tensorflow.python.keras). Its package lacks a
# __version__, which its own HDF5 writer reads; we label files it writes with the TF version.
import tensorflow.python.keras as _k2pkg  # noqa: E402

K2_VERSION = "2-tf" + tf.__version__
_k2pkg.__version__ = K2_VERSION
from tensorflow.python.keras import layers as L2  # noqa: E402
from tensorflow.python.keras import models as M2  # noqa: E402

N_TRAIN = 256
N_TEST = 5
EPOCHS = 3


def series(length, channels, seed):
    """Noisy sines with different periods and phases per channel: something an LSTM can learn."""
    rng = np.random.default_rng(seed)
    t = np.arange(length)[:, None]
    periods = rng.uniform(6, 20, size=channels)
    phases = rng.uniform(0, 2 * np.pi, size=channels)
    return (np.sin(2 * np.pi * t / periods + phases) + 0.1 * rng.normal(size=(length, channels))).astype("float32")


def windows(T, C, n, seed, extra):
    s = series(n + T + extra + 1, C, seed)
    xs = np.stack([s[i:i + T] for i in range(n)])
    futures = np.stack([s[i + T:i + T + extra] for i in range(n)]) if extra else None
    nexts = np.stack([s[i + 1:i + T + 1] for i in range(n)])
    return xs, futures, nexts


def targets(kind, T, C, H, n_out, xs, futures, nexts):
    """Training targets matching each head, so a few epochs move the weights somewhere sensible."""
    if kind == "flat":
        return futures.reshape(len(xs), -1)[:, :n_out]
    if kind == "flat-reshape":
        return futures[:, :H, :]
    if kind == "flat-softmax":
        return keras.utils.to_categorical(np.argmax(futures[:, 0, :], axis=1), C)
    if kind == "flat-sigmoid":
        return (futures.reshape(len(xs), -1)[:, :n_out] > 0).astype("float32")
    if kind == "per-step":
        return nexts[:, :, :n_out]
    if kind == "per-step-softmax":
        return keras.utils.to_categorical(np.argmax(nexts, axis=2), C)
    if kind == "per-step-sigmoid":
        return (nexts > 0).astype("float32")
    # one target (channel 0) from every input channel, as the textbook examples do
    if kind == "flat-target0":
        return futures[:, :n_out, 0]
    if kind == "flat-sigmoid-target0":
        return (futures[:, :n_out, 0] > 0).astype("float32")
    if kind == "per-step-aligned-target0":
        return futures[:, :T, 0:1]
    raise ValueError(kind)


# ---- supported fixtures --------------------------------------------------------------------
# Each entry: how to build it in Keras 3 (k3) and, where the Keras 2 copy has the layers, in
# Keras 2 (k2, same layers so the trained Keras 3 weights can be copied over), the training
# target kind, loss, and what the importer should detect.

def seq(layers_):
    return lambda: keras.Sequential(layers_())


def seq2(layers_):
    return lambda: M2.Sequential(layers_())


SUPPORTED = []


def supported(name, T, C, kind, loss, head, horizon, k3, k2=None, note="", per_step_target=None, import_window=None,
              targets=None):
    SUPPORTED.append(dict(name=name, T=T, C=C, kind=kind, loss=loss, head=head, horizon=horizon,
                          k3=k3, k2=k2, note=note, per_step_target=per_step_target, import_window=import_window,
                          targets=targets))


# 1. The classic forecaster: Input(T, C) -> LSTM(u, relu) -> Dense(H*C), Sequential.
supported("flat_relu", 10, 2, "flat", "mse", "flat", 3,
          seq(lambda: [keras.Input((10, 2)), L.LSTM(8, activation="relu"), L.Dense(6)]),
          seq2(lambda: [L2.InputLayer(input_shape=(10, 2)),
                        L2.LSTMV1(8, activation="relu", recurrent_activation="sigmoid"), L2.Dense(6)]),
          note="Sequential, LSTM relu -> Dense(H*C) linear")


def _flat_tanh_reshape_k3():
    i = keras.Input((10, 2), name="window")
    h = L.LSTM(8)(i)
    o = L.Reshape((4, 2))(L.Dense(8)(h))
    return keras.Model(i, o)


def _flat_tanh_reshape_k2():
    i = L2.Input((10, 2), name="window")
    h = L2.LSTMV1(8, recurrent_activation="sigmoid")(i)
    o = L2.Reshape((4, 2))(L2.Dense(8)(h))
    return M2.Model(i, o)


# 2. Functional, LSTM tanh -> Dense(H*C) -> Reshape(H, C).
supported("flat_tanh_reshape", 10, 2, "flat-reshape", "mse", "flat", 4,
          _flat_tanh_reshape_k3, _flat_tanh_reshape_k2, note="functional, Dense(H*C) -> Reshape(H, C)")

# 3. Per-step: LSTM(return_sequences) -> TimeDistributed(Dense(C)). Keras 2's copy in TF has no
#    TimeDistributed; its Dense on a sequence is the same per-step Dense.
supported("per_step", 12, 2, "per-step", "mse", "per-step", 1,
          seq(lambda: [keras.Input((12, 2)), L.LSTM(8, return_sequences=True), L.TimeDistributed(L.Dense(2))]),
          seq2(lambda: [L2.InputLayer(input_shape=(12, 2)),
                        L2.LSTMV1(8, return_sequences=True, recurrent_activation="sigmoid"), L2.Dense(2)]),
          note="LSTM(return_sequences) -> TimeDistributed(Dense(C)); Keras 2 file: Dense on the sequence")

# 4. Per-step with a plain Dense on the sequence (Keras applies it to every step).
supported("per_step_dense3d", 8, 3, "per-step", "mse", "per-step", 1,
          seq(lambda: [keras.Input((8, 3)), L.LSTM(5, return_sequences=True), L.Dense(3)]),
          note="LSTM(return_sequences) -> Dense(C) applied per step")

# 5. Stacked LSTMs with Dropout, flat, functional; LSTM with dropout/recurrent_dropout (identity at inference).
def _stacked_k3():
    i = keras.Input((10, 3))
    h = L.LSTM(6, return_sequences=True, dropout=0.1, recurrent_dropout=0.1)(i)
    h = L.Dropout(0.2)(h)
    h = L.LSTM(5)(h)
    h = L.Dropout(0.2)(h)
    return keras.Model(i, L.Dense(6)(h))


def _stacked_k2():
    i = L2.Input((10, 3))
    h = L2.LSTMV1(6, return_sequences=True, dropout=0.1, recurrent_dropout=0.1, recurrent_activation="sigmoid")(i)
    h = L2.Dropout(0.2)(h)
    h = L2.LSTMV1(5, recurrent_activation="sigmoid")(h)
    h = L2.Dropout(0.2)(h)
    return M2.Model(i, L2.Dense(6)(h))


supported("stacked_dropout", 10, 3, "flat", "mse", "flat", 2, _stacked_k3, _stacked_k2,
          note="functional, LSTM(seq, dropout, recurrent_dropout) -> Dropout -> LSTM -> Dropout -> Dense(H*C)")

# 6. Stacked per-step.
supported("stacked_per_step", 9, 2, "per-step", "mse", "per-step", 1,
          seq(lambda: [keras.Input((9, 2)), L.LSTM(6, return_sequences=True),
                       L.LSTM(4, return_sequences=True, activation="relu"), L.TimeDistributed(L.Dense(2))]),
          seq2(lambda: [L2.InputLayer(input_shape=(9, 2)),
                        L2.LSTMV1(6, return_sequences=True, recurrent_activation="sigmoid"),
                        L2.LSTMV1(4, return_sequences=True, activation="relu", recurrent_activation="sigmoid"),
                        L2.Dense(2)]),
          note="two LSTMs (tanh, relu), per-step")

# 7-10. Classification variants of both shapes.
supported("flat_softmax", 8, 3, "flat-softmax", "categorical_crossentropy", "flat", 1,
          seq(lambda: [keras.Input((8, 3)), L.LSTM(6), L.Dense(3, activation="softmax")]),
          seq2(lambda: [L2.InputLayer(input_shape=(8, 3)), L2.LSTMV1(6, recurrent_activation="sigmoid"),
                        L2.Dense(3, activation="softmax")]),
          note="softmax over C classes (which channel is largest next)")
supported("flat_sigmoid", 8, 2, "flat-sigmoid", "binary_crossentropy", "flat", 2,
          seq(lambda: [keras.Input((8, 2)), L.LSTM(6, activation="relu"), L.Dense(4, activation="sigmoid")]),
          seq2(lambda: [L2.InputLayer(input_shape=(8, 2)),
                        L2.LSTMV1(6, activation="relu", recurrent_activation="sigmoid"),
                        L2.Dense(4, activation="sigmoid")]),
          note="multi-label sigmoid, H*C outputs (is each future value positive)")
supported("per_step_softmax", 8, 3, "per-step-softmax", "categorical_crossentropy", "per-step", 1,
          seq(lambda: [keras.Input((8, 3)), L.LSTM(6, return_sequences=True),
                       L.TimeDistributed(L.Dense(3, activation="softmax"))]),
          seq2(lambda: [L2.InputLayer(input_shape=(8, 3)),
                        L2.LSTMV1(6, return_sequences=True, recurrent_activation="sigmoid"),
                        L2.Dense(3, activation="softmax")]),
          note="softmax per step")
supported("per_step_sigmoid", 8, 2, "per-step-sigmoid", "binary_crossentropy", "per-step", 1,
          seq(lambda: [keras.Input((8, 2)), L.LSTM(6, return_sequences=True, activation="relu"),
                       L.TimeDistributed(L.Dense(2, activation="sigmoid"))]),
          seq2(lambda: [L2.InputLayer(input_shape=(8, 2)),
                        L2.LSTMV1(6, return_sequences=True, activation="relu", recurrent_activation="sigmoid"),
                        L2.Dense(2, activation="sigmoid")]),
          note="multi-label sigmoid per step")

# 11. No biases, no unit forget bias.
supported("no_bias", 6, 2, "flat", "mse", "flat", 1,
          seq(lambda: [keras.Input((6, 2)), L.LSTM(5, use_bias=False, unit_forget_bias=False),
                       L.Dense(2, use_bias=False)]),
          seq2(lambda: [L2.InputLayer(input_shape=(6, 2)),
                        L2.LSTMV1(5, use_bias=False, unit_forget_bias=False, recurrent_activation="sigmoid"),
                        L2.Dense(2, use_bias=False)]),
          note="use_bias=False on LSTM and Dense, unit_forget_bias=False")

# 12. One channel: Dense(H).
supported("univariate", 10, 1, "flat", "mse", "flat", 5,
          seq(lambda: [keras.Input((10, 1)), L.LSTM(4), L.Dense(5)]),
          seq2(lambda: [L2.InputLayer(input_shape=(10, 1)), L2.LSTMV1(4, recurrent_activation="sigmoid"),
                        L2.Dense(5)]),
          note="one channel, Dense(H)")

# 13. Keras 2's default recurrent activation is hard_sigmoid (0.2x + 0.5, clipped) = DL4J's HARDSIGMOID.
supported("k2_hard_sigmoid", 6, 2, "flat", "mse", "flat", 2,
          seq(lambda: [keras.Input((6, 2)), L.LSTM(5), L.Dense(4)]),
          seq2(lambda: [L2.InputLayer(input_shape=(6, 2)), L2.LSTMV1(5), L2.Dense(4)]),
          note="Keras 2 LSTM defaults (recurrent_activation hard_sigmoid); the Keras 3 files use sigmoid")

# 14. The literal classic per-step example: output t trained on step T+t (aligned), H = T.
supported("per_step_aligned", 6, 2, "per-step-aligned", "mse", "per-step", 6,
          seq(lambda: [keras.Input((6, 2)), L.LSTM(6, return_sequences=True, activation="relu"),
                       L.TimeDistributed(L.Dense(2))]),
          per_step_target="aligned", note="per-step trained on aligned targets (import with --per-step-target aligned)")

# 15. Other LSTM/Dense activations DL4J has.
supported("activations_a", 5, 2, "flat", "mse", "flat", 2,
          seq(lambda: [keras.Input((5, 2)), L.LSTM(4, activation="softsign", return_sequences=True),
                       L.LSTM(4, activation="elu"), L.Dense(4, activation="softplus")]),
          note="LSTM softsign, LSTM elu, Dense softplus")
supported("activations_b", 5, 2, "flat", "mse", "flat", 2,
          seq(lambda: [keras.Input((5, 2)), L.LSTM(4, activation="selu", return_sequences=True),
                       L.LSTM(4, activation="sigmoid"), L.Dense(4, activation="tanh")]),
          note="LSTM selu, LSTM sigmoid, Dense tanh")
supported("activations_c", 5, 2, "flat", "mse", "flat", 2,
          seq(lambda: [keras.Input((5, 2)), L.LSTM(4, activation="linear"), L.Dense(4, activation="elu")]),
          note="LSTM linear, Dense elu")

# 16. The classic example as people write it: input_shape on the first layer, no Input layer.
supported("classic_input_shape", 5, 1, "flat", "mse", "flat", 3,
          seq(lambda: [L.LSTM(6, activation="relu", input_shape=(5, 1)), L.Dense(3)]),
          seq2(lambda: [L2.LSTMV1(6, activation="relu", recurrent_activation="sigmoid", input_shape=(5, 1)),
                        L2.Dense(3)]),
          note="Sequential([LSTM(u, activation='relu', input_shape=(T, 1)), Dense(H)])")

# 17. An input that accepts any number of steps (import with --window T).
supported("any_length", 7, 2, "flat", "mse", "flat", 1,
          seq(lambda: [keras.Input((None, 2)), L.LSTM(5), L.Dense(2)]),
          seq2(lambda: [L2.InputLayer(input_shape=(None, 2)), L2.LSTMV1(5, recurrent_activation="sigmoid"),
                        L2.Dense(2)]),
          import_window=7, note="Input((None, C)): the window length is given at import (--window 7)")


# 18-20. The classic examples as they are: ONE series forecast from many input channels. The importer reads an
#        output that is not a multiple of C as H steps of one target (the first channel unless --targets names
#        it), a per-step Dense(1) as output t = step T+t (aligned), and passes sigmoid outputs through.
supported("classic_flat_target", 10, 30, "flat-target0", "mse", "flat", 10,
          seq(lambda: [L.LSTM(100, activation="relu", input_shape=(10, 30)), L.Dense(10)]),
          seq2(lambda: [L2.LSTMV1(100, activation="relu", recurrent_activation="sigmoid", input_shape=(10, 30)),
                        L2.Dense(10)]),
          targets=["c0"], note="LSTM(100, relu, input_shape=(n_timesteps, 30)) -> Dense(n_timesteps): one target")
supported("classic_per_step_target", 8, 4, "per-step-aligned-target0", "mse", "per-step", 8,
          seq(lambda: [keras.Input((8, 4)), L.LSTM(16, activation="relu", return_sequences=True),
                       L.TimeDistributed(L.Dense(1))]),
          seq2(lambda: [L2.InputLayer(input_shape=(8, 4)),
                        L2.LSTMV1(16, activation="relu", return_sequences=True, recurrent_activation="sigmoid"),
                        L2.Dense(1)]),
          targets=["c0"], note="LSTM(return_sequences) -> TimeDistributed(Dense(1)) on 4 channels: aligned, one target")
supported("classic_multilabel", 10, 3, "flat-sigmoid-target0", "binary_crossentropy", "flat", 10,
          seq(lambda: [L.LSTM(32, activation="relu", input_shape=(10, 3)), L.Dense(10, activation="sigmoid")]),
          seq2(lambda: [L2.LSTMV1(32, activation="relu", recurrent_activation="sigmoid", input_shape=(10, 3)),
                        L2.Dense(10, activation="sigmoid")]),
          targets=["c0"], note="multi-label: LSTM(relu) on 3 features -> Dense(n_timesteps, sigmoid)")

# ---- unsupported examples: the importer must refuse them, naming the layer/option -----------
UNSUPPORTED = []


def unsupported(name, expect, k3, k2=None):
    UNSUPPORTED.append(dict(name=name, expect=expect, k3=k3, k2=k2))


unsupported("bad_conv1d", ["Conv1D", "conv1d"],
            seq(lambda: [keras.Input((10, 2)), L.Conv1D(3, 2), L.LSTM(4), L.Dense(2)]),
            seq2(lambda: [L2.InputLayer(input_shape=(10, 2)), L2.Conv1D(3, 2), L2.LSTMV1(4), L2.Dense(2)]))
unsupported("bad_bidirectional", ["Bidirectional"],
            seq(lambda: [keras.Input((10, 2)), L.Bidirectional(L.LSTM(4)), L.Dense(2)]))
unsupported("bad_stateful", ["stateful"],
            seq(lambda: [keras.Input(batch_shape=(1, 10, 2)), L.LSTM(4, stateful=True), L.Dense(2)]),
            seq2(lambda: [L2.InputLayer(batch_input_shape=(1, 10, 2)), L2.LSTMV1(4, stateful=True), L2.Dense(2)]))
unsupported("bad_go_backwards", ["go_backwards"],
            seq(lambda: [keras.Input((10, 2)), L.LSTM(4, go_backwards=True), L.Dense(2)]),
            seq2(lambda: [L2.InputLayer(input_shape=(10, 2)), L2.LSTMV1(4, go_backwards=True), L2.Dense(2)]))
unsupported("bad_gru", ["GRU"],
            seq(lambda: [keras.Input((10, 2)), L.GRU(4), L.Dense(2)]))
unsupported("bad_k3_hard_sigmoid", ["hard_sigmoid"],
            seq(lambda: [keras.Input((10, 2)), L.LSTM(4, recurrent_activation="hard_sigmoid"), L.Dense(2)]))
unsupported("bad_return_state", ["return_state"],
            lambda: (lambda i: keras.Model(i, L.Dense(2)(L.LSTM(4, return_state=True)(i)[0])))(keras.Input((10, 2))))


def _two_inputs_k3():
    a, b = keras.Input((10, 2)), keras.Input((10, 2))
    return keras.Model([a, b], L.Dense(2)(L.LSTM(4)(L.Concatenate()([a, b]))))


def _two_outputs_k3():
    i = keras.Input((10, 2))
    h = L.LSTM(4)(i)
    return keras.Model(i, [L.Dense(2)(h), L.Dense(2)(h)])


unsupported("bad_two_inputs", ["input"], _two_inputs_k3)
unsupported("bad_two_outputs", ["output"], _two_outputs_k3)
unsupported("bad_no_lstm", ["LSTM"], seq(lambda: [keras.Input((10, 2)), L.Flatten(), L.Dense(2)]))
unsupported("bad_mixed_precision", ["mixed_float16", "lstm"],
            seq(lambda: [keras.Input((10, 2)), L.LSTM(4, dtype="mixed_float16", name="lstm"), L.Dense(2, dtype="float32")]))


# ---- a realistic example: a Keras forecaster trained on ETTh1, scored by Keras on the standard test split ----
ETT_T, ETT_H, ETT_UNITS = 24, 24, 16


def ett_example(out, csv_path):
    """Trains LSTM(16) -> Dense(H*C) -> Reshape((H, C)) on ETTh1's train months (z-scored with train statistics,
    as streamcast does), and records Keras's own test-split MSE/MAE (normalised scale, every window) and the
    Repeat baseline's, for the Java test that imports the model and runs `streamcast evaluate` on the same file."""
    import csv
    with open(csv_path) as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0][1:], np.array([[float(v) for v in r[1:]] for r in rows[1:]], dtype="float64")
    train_end, test_end = 12 * 30 * 24, 20 * 30 * 24
    mean, std = data[:train_end].mean(axis=0), data[:train_end].std(axis=0)  # population std, like streamcast
    z = ((data - mean) / std).astype("float32")
    T, H, C = ETT_T, ETT_H, z.shape[1]

    def windows_in(start, end):
        starts = range(start, end - T - H + 1)
        return (np.stack([z[i:i + T] for i in starts]), np.stack([z[i + T:i + T + H] for i in starts]))

    x_train, y_train = windows_in(0, train_end)
    x_test, y_test = windows_in(test_end - 4 * 30 * 24 - T, test_end)
    keras.utils.set_random_seed(96)
    i = keras.Input((T, C))
    m = keras.Model(i, L.Reshape((H, C))(L.Dense(H * C)(L.LSTM(ETT_UNITS)(i))))
    m.compile(optimizer=keras.optimizers.Adam(0.005), loss="mse")
    m.fit(x_train, y_train, epochs=3, batch_size=64, verbose=0)
    pred = m.predict(x_test, batch_size=256, verbose=0)
    repeat = np.repeat(x_test[:, -1:, :], H, axis=1)
    m.save(os.path.join(out, "ett_flat.keras"))
    with open(os.path.join(out, "ett_flat.stats.json"), "w") as fh:
        json.dump({"channels": header, "mean": mean.tolist(), "std": std.tolist()}, fh, indent=1)
        fh.write("\n")
    entry = {"name": "ett_flat", "file": "ett_flat.keras", "stats": "ett_flat.stats.json", "data": "ETTh1.csv",
             "window": T, "horizon": H, "testWindows": int(len(x_test)),
             "kerasTestMse": float(np.mean((pred - y_test) ** 2)), "kerasTestMae": float(np.mean(np.abs(pred - y_test))),
             "repeatTestMse": float(np.mean((repeat - y_test) ** 2))}
    print(f"ett_flat: test windows {entry['testWindows']}, Keras MSE {entry['kerasTestMse']:.4f}, "
          f"Repeat MSE {entry['repeatTestMse']:.4f}", flush=True)
    return entry


def k2_time_distributed(out):
    """TensorFlow's internal Keras 2 has no TimeDistributed. To cover a Keras 2 TimeDistributed(Dense) config and
    weight layout, per_step.k2.h5 (a real Keras 2 file, Dense on the sequence) is edited with h5py: its Dense is
    wrapped in a Keras 2 style TimeDistributed config and its weights moved to time_distributed/{kernel,bias}:0.
    The computation is the same, so Keras 2's outputs for per_step.k2.h5 are the expected outputs."""
    import shutil
    import h5py
    src, dst = os.path.join(out, "per_step.k2.h5"), os.path.join(out, "per_step.k2td.h5")
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as f:
        cfg = json.loads(f.attrs["model_config"])
        dense = cfg["config"]["layers"][-1]
        assert dense["class_name"] == "Dense"
        dname = dense["config"]["name"]
        cfg["config"]["layers"][-1] = {"class_name": "TimeDistributed", "config": {
            "name": "time_distributed", "trainable": True, "dtype": "float32", "layer": dense}}
        f.attrs["model_config"] = json.dumps(cfg).encode("utf8")
        mw = f["model_weights"]
        td = mw.create_group("time_distributed")
        inner = td.create_group("time_distributed")
        for w in ("kernel:0", "bias:0"):
            inner.create_dataset(w, data=mw[dname][dname][w][()])
        td.attrs["weight_names"] = [b"time_distributed/kernel:0", b"time_distributed/bias:0"]
        del mw[dname]
        names = [n.decode() if isinstance(n, bytes) else str(n) for n in mw.attrs["layer_names"]]
        mw.attrs["layer_names"] = [("time_distributed" if n == dname else n).encode() for n in names]
    return {"name": "per_step_k2_time_distributed", "window": 12, "channels": 2, "head": "per-step", "horizon": 1,
            "outputs": 24, "note": "per_step.k2.h5 edited with h5py into a Keras 2 TimeDistributed(Dense) config",
            "files": {"k2.h5": "per_step.k2td.h5"}, "inputs": "per_step.in.csv",
            "expected": {"k2.h5": "per_step.k2.out.csv"}}


def fmt(a):
    return "\n".join(",".join(repr(float(v)) for v in row) for row in a.reshape(a.shape[0], -1)) + "\n"


def main(out, only=None):
    os.makedirs(out, exist_ok=True)
    listing = {"tensorflow": tf.__version__, "keras": keras.__version__, "keras2": K2_VERSION,
               "tolerance": 1e-4, "supported": [], "unsupported": []}
    old, previous = {}, {}
    if only:
        with open(os.path.join(out, "fixtures.json")) as fh:
            previous = json.load(fh)
        old = {e["name"]: e for e in previous["supported"] + previous["unsupported"]}
    for i, f in enumerate(SUPPORTED):
        name, T, C = f["name"], f["T"], f["C"]
        if only and name not in only:
            if name in old:
                listing["supported"].append(old[name])
            continue
        keras.utils.set_random_seed(1000 + i)
        m = f["k3"]()
        n_out = m.output_shape[-1]
        extra = max(f["horizon"], T)
        xs, futures, nexts = windows(T, C, N_TRAIN + N_TEST, 2000 + i, extra)
        if f["kind"] == "per-step-aligned":
            ys = futures[:, :T, :]
        else:
            ys = targets(f["kind"], T, C, f["horizon"], n_out, xs, futures, nexts)
        m.compile(optimizer=keras.optimizers.Adam(0.01), loss=f["loss"])
        m.fit(xs[:N_TRAIN], ys[:N_TRAIN], epochs=EPOCHS, batch_size=32, verbose=0, shuffle=False)
        x_test = xs[N_TRAIN:]
        y3 = m.predict(x_test, verbose=0)
        if np.allclose(y3, y3[0]):
            raise SystemExit(f"{name}: Keras outputs do not depend on the input; pick other seeds")
        m.save(os.path.join(out, name + ".keras"))
        m.save(os.path.join(out, name + ".k3.h5"))
        with open(os.path.join(out, name + ".in.csv"), "w") as fh:
            fh.write(fmt(x_test))
        with open(os.path.join(out, name + ".out.csv"), "w") as fh:
            fh.write(fmt(y3))
        entry = {"name": name, "window": T, "channels": C, "head": f["head"], "horizon": f["horizon"],
                 "outputs": int(np.prod(y3.shape[1:])), "note": f["note"],
                 "files": {"keras": name + ".keras", "k3.h5": name + ".k3.h5"},
                 "inputs": name + ".in.csv", "expected": {"keras": name + ".out.csv", "k3.h5": name + ".out.csv"}}
        if f["per_step_target"]:
            entry["perStepTarget"] = f["per_step_target"]
        if f["import_window"]:
            entry["importWindow"] = f["import_window"]
        if f["targets"]:
            entry["targets"] = f["targets"]
        if f["k2"]:
            m2 = f["k2"]()
            m2.set_weights(m.get_weights())
            y2 = m2(x_test, training=False).numpy()
            m2.save(os.path.join(out, name + ".k2.h5"))
            with open(os.path.join(out, name + ".k2.out.csv"), "w") as fh:
                fh.write(fmt(y2))
            entry["files"]["k2.h5"] = name + ".k2.h5"
            entry["expected"]["k2.h5"] = name + ".k2.out.csv"
        listing["supported"].append(entry)
        print(f"{name}: outputs {y3.shape}, formats {sorted(entry['files'])}", flush=True)
    if not only or "per_step_k2_time_distributed" in only or "per_step" in only:
        listing["supported"].append(k2_time_distributed(out))
    elif "per_step_k2_time_distributed" in old:
        listing["supported"].append(old["per_step_k2_time_distributed"])
    for f in UNSUPPORTED:
        if only and f["name"] not in only:
            if f["name"] in old:
                listing["unsupported"].append(old[f["name"]])
            continue
        keras.utils.set_random_seed(7)
        m = f["k3"]()
        m.save(os.path.join(out, f["name"] + ".keras"))
        m.save(os.path.join(out, f["name"] + ".k3.h5"))
        files = {"keras": f["name"] + ".keras", "k3.h5": f["name"] + ".k3.h5"}
        if f["k2"]:
            f["k2"]().save(os.path.join(out, f["name"] + ".k2.h5"))
            files["k2.h5"] = f["name"] + ".k2.h5"
        listing["unsupported"].append({"name": f["name"], "messageContains": f["expect"], "files": files})
        print(f"{f['name']}: formats {sorted(files)}", flush=True)
    ett_csv = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "ett", "ETTh1.csv")
    if only and "ett_flat" not in only:
        if "ett" in previous:
            listing["ett"] = previous["ett"]
    else:
        listing["ett"] = ett_example(out, ett_csv)
    with open(os.path.join(out, "fixtures.json"), "w") as fh:
        json.dump(listing, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    # make_fixtures.py [OUT_DIR [NAME...]]: with names, regenerate only those and keep the rest of fixtures.json
    main(sys.argv[1] if len(sys.argv) > 1 else "models/src/test/resources/keras", set(sys.argv[2:]))
