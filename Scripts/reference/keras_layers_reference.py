#!/usr/bin/env python3
"""Golden values for single Keras 2.15 layers (TensorFlow 2.15 CPU): forward outputs and gradients.

Run in the tf venv:
    /work/venvs/tf/bin/python Scripts/reference/keras_layers_reference.py
Writes Tests/FaceNetsTests/Fixtures/layers/keras_layers.json.

Each case's "input" names a tensor in the top-level "inputs" (shared to keep the file small).
Conventions: tensors NHWC, conv kernels HWIO [KH, KW, C, OC], Dense kernel [in, out]. Every tensor
is stored as {"shape": [...], "data": [...]} with data flat in row-major (C) order, float32 values
written with their shortest round-trip representation. For each case, with a seeded upstream
gradient dy of the output's shape, the vector-Jacobian products are stored too:
dx = d(sum(y * dy))/dx and the same for every weight (trainable and, for BatchNormalization,
also the moving statistics when TensorFlow provides one; its fused inference kernel gives none, so
BatchNormalization cases carry gradients for gamma and beta only).
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras import layers  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "layers", "keras_layers.json")

RNG = np.random.RandomState(1234)


def t(a):
    a = np.asarray(a, dtype=np.float32)
    # shortest decimal that round-trips the float32 value
    data = [float(np.format_float_scientific(v, unique=True)) for v in a.ravel()]
    return {"shape": list(a.shape), "data": data}


def rnd(*shape, scale=1.0):
    return (RNG.normal(0.0, scale, size=shape)).astype(np.float32)


INPUTS = {}


def run_case(name, layer, x, weights, extra=None):
    """Build `layer` on x's shape, set weights (list, Keras order), run forward + VJP."""
    layer.build(x.shape)
    if weights is not None:
        layer.set_weights(weights)
    xt = tf.constant(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(xt)
        y = layer(xt, training=False)
    dy = rnd(*y.shape)
    variables = list(layer.weights)
    with tf.GradientTape() as tape2:
        tape2.watch(xt)
        for v in variables:
            tape2.watch(v)
        y2 = layer(xt, training=False)
        s = tf.reduce_sum(y2 * dy)
    grads = tape2.gradient(s, [xt] + variables)
    cfg = layer.get_config()
    keep = ["filters", "kernel_size", "strides", "padding", "dilation_rate", "use_bias", "pool_size", "epsilon",
            "axis", "shared_axes", "units", "activation", "momentum"]
    case = {
        "name": name,
        "layer": type(layer).__name__,
        "config": {k: cfg[k] for k in keep if k in cfg},
        "input": input_ref(x),
        "weights": {v.name.split("/")[-1].split(":")[0]: t(v.numpy()) for v in variables},
        "output": t(y.numpy()),
        "upstream_gradient_dy": t(dy),
        "grad_input": t(grads[0].numpy()),
        "grad_weights": {v.name.split("/")[-1].split(":")[0]: t(g.numpy()) for v, g in zip(variables, grads[1:])
                         if g is not None},
    }
    if extra:
        case.update(extra)
    return case


def input_ref(x):
    for key, v in INPUTS.items():
        if v.shape == x.shape and np.array_equal(v, x):
            return key
    key = "x%d" % len(INPUTS)
    INPUTS[key] = x
    return key


def conv_case(name, x, kh, kw, oc, strides, padding, dilation=1):
    c = x.shape[-1]
    k = rnd(kh, kw, c, oc, scale=np.sqrt(2.0 / (kh * kw * c)))
    b = rnd(oc, scale=0.1)
    layer = layers.Conv2D(oc, (kh, kw), strides=strides, padding=padding, dilation_rate=dilation, use_bias=True,
                          name=name)
    return run_case(name, layer, x, [k, b])


def main():
    tf.random.set_seed(0)
    x79 = rnd(2, 7, 9, 3)
    x810 = rnd(2, 8, 10, 3)
    cases = []
    cases.append(conv_case("conv3x3_valid_s1_7x9", x79, 3, 3, 2, 1, "valid"))
    cases.append(conv_case("conv3x3_same_s1_7x9", x79, 3, 3, 2, 1, "same"))
    cases.append(conv_case("conv3x3_same_s1_dilation2_7x9", x79, 3, 3, 2, 1, "same", dilation=2))
    cases.append(conv_case("conv3x3_valid_s1_dilation2_7x9", x79, 3, 3, 2, 1, "valid", dilation=2))
    cases.append(conv_case("conv7x7_valid_s1_7x9", x79, 7, 7, 2, 1, "valid"))
    cases.append(conv_case("conv1x1_valid_s2_7x9", x79, 1, 1, 2, 2, "valid"))
    cases.append(conv_case("conv3x3_same_s1_c1_to_2_7x9", x79[..., :1].copy(), 3, 3, 2, 1, "same"))
    for (nm, x) in (("7x9", x79), ("8x10", x810)):
        cases.append(conv_case("conv3x3_same_s2_" + nm, x, 3, 3, 2, 2, "same"))
        cases.append(conv_case("conv7x7_same_s2_" + nm, x, 7, 7, 2, 2, "same"))
        cases.append(conv_case("conv2x2_same_s2_" + nm, x, 2, 2, 2, 2, "same"))
    cases.append(conv_case("conv3x3_valid_s2_7x9", x79, 3, 3, 2, 2, "valid"))
    cases.append(conv_case("conv7x7_valid_s2_8x10", x810, 7, 7, 2, 2, "valid"))

    for (nm, x) in (("7x9", x79), ("8x10", x810)):
        for pool, stride in ((3, 2), (2, 2)):
            for padding in ("valid", "same"):
                if nm == "8x10" and padding == "valid":
                    continue
                cases.append(run_case("maxpool%d_s%d_%s_%s" % (pool, stride, padding, nm),
                                      layers.MaxPooling2D(pool, strides=stride, padding=padding), x, None))
                cases.append(run_case("avgpool%d_s%d_%s_%s" % (pool, stride, padding, nm),
                                      layers.AveragePooling2D(pool, strides=stride, padding=padding), x, None))
    # ties: integer-valued input, so windows often hold the same maximum several times
    xt = RNG.randint(0, 3, size=(2, 7, 9, 3)).astype(np.float32)
    cases.append(run_case("maxpool3_s2_same_ties_7x9", layers.MaxPooling2D(3, strides=2, padding="same"), xt, None,
                          {"note": "input has repeated maxima; TensorFlow's gradient goes to ONE position per window "
                                   "and channel: see grad_input for which"}))
    cases.append(run_case("maxpool2_s2_valid_ties_7x9", layers.MaxPooling2D(2, strides=2, padding="valid"), xt, None))
    # global average pooling, as used by SENet / notop models
    cases.append(run_case("global_avgpool_7x9", layers.GlobalAveragePooling2D(), x79, None))

    xs = rnd(2, 3, 4, 3)
    for eps in (1e-3, 1e-4):
        c = 3
        gamma = RNG.uniform(0.5, 1.5, size=c).astype(np.float32)
        beta = rnd(c, scale=0.3)
        mean = rnd(c, scale=0.5)
        var = RNG.uniform(0.2, 2.0, size=c).astype(np.float32)
        cases.append(run_case("batchnorm_eps%g_3x4" % eps, layers.BatchNormalization(axis=3, epsilon=eps), xs,
                              [gamma, beta, mean, var],
                              {"formula": "y = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta"}))

    alpha = RNG.uniform(0.0, 0.5, size=(1, 1, 3)).astype(np.float32)
    cases.append(run_case("prelu_shared12_3x4", layers.PReLU(shared_axes=[1, 2]), xs, [alpha],
                          {"formula": "y = max(x, 0) + alpha * min(x, 0), alpha shape (1, 1, C)"}))
    xd = rnd(2, 5)
    alpha_d = RNG.uniform(0.0, 0.5, size=(5,)).astype(np.float32)
    cases.append(run_case("prelu_dense_2x5", layers.PReLU(), xd, [alpha_d]))
    cases.append(run_case("dense_5to3", layers.Dense(3), xd,
                          [rnd(5, 3, scale=0.6), rnd(3, scale=0.1)], {"formula": "y = x @ kernel + bias"}))
    cases.append(run_case("dense_5to3_softmax", layers.Dense(3, activation="softmax"), xd,
                          [rnd(5, 3, scale=0.6), rnd(3, scale=0.1)]))
    cases.append(run_case("softmax_axis3_3x4", layers.Softmax(axis=3), xs, None))
    cases.append(run_case("flatten_3x4", layers.Flatten(), xs, None,
                          {"note": "Keras Flatten on NHWC = row-major (h, w, c) order"}))

    doc = {
        "about": __doc__.strip(),
        "generated_by": "Scripts/reference/keras_layers_reference.py",
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__},
        "facts": {
            "same_padding": "out = ceil(in / stride); pad_total = max((out - 1) * stride + (k - 1) * dilation + 1 - in, 0); "
                            "pad_before = pad_total // 2, pad_after = pad_total - pad_before (extra on bottom/right)",
            "valid_padding": "out = floor((in - ((k - 1) * dilation + 1)) / stride) + 1",
            "maxpool_same": "padded positions are ignored (behave as -inf)",
            "avgpool_same": "padded positions are excluded from the average (divide by the number of real inputs "
                            "in the window)",
        },
        "inputs": {k: t(v) for k, v in INPUTS.items()},
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print("cases", len(cases), "bytes", os.path.getsize(OUT))


if __name__ == "__main__":
    sys.exit(main())
