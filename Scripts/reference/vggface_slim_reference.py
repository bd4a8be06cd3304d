#!/usr/bin/env python3
"""Slim (width / 16) keras-vggface 0.6 models with seeded random weights, for parity tests of the Swift port.

Run in the tf venv (tensorflow-cpu 2.15.1, Keras 2.15, keras-vggface 0.6, h5py, pillow):
    /work/venvs/tf/bin/python Scripts/reference/vggface_slim_reference.py

1. Builds keras-vggface's own RESNET50 / SENET50 / VGG16 (weights=None, full size, top and notop)
   through stand-in modules for the Keras internals it imports, and asserts that this file's
   builder with divisor=1 yields identical layer names, layer classes, layer configs
   (padding/strides/kernel/epsilon/bias/activation/pool sizes), weight names and weight shapes.
2. Builds the same architectures with every channel width divided by 16 and 7 classes, fills
   every weight with seeded random values (He-normal kernels; BatchNorm gamma/beta random and
   moving statistics calibrated on real face crops plus seeded noise; VGG16 and classifier layers
   rescaled layer by layer so activations stay O(1)), and saves them with
   model.save_weights(...h5) (Keras-2 legacy HDF5), top and notop.
3. Writes 224x224 input PNGs, reference.json (probabilities, top-5, notop features) and
   gradients.h5 (d cross-entropy / d input RGB pixels 0..255, preprocess_input inside).
Everything is seeded; re-running reproduces the same numbers.
"""
import hashlib
import json
import os
import sys
import types

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402

import keras  # noqa: E402
from keras import backend as K  # noqa: E402
from keras import layers  # noqa: E402
from keras.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Flatten,  # noqa: E402
                          GlobalAveragePooling2D, GlobalMaxPooling2D, Input, MaxPooling2D, Reshape, multiply)
from keras.models import Model  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "vggface")
FACES = "/work/shared/data/faces"
SEED_DIR = "/work/shared/data/seed"
DIVISOR = 16
CLASSES = 7

PREPROCESS = {  # keras_vggface.utils.preprocess_input, channels_last: x[..., ::-1] then subtract (B, G, R)
    1: (93.5940, 104.7624, 129.1863),
    2: (91.4953, 103.8827, 131.0912),
}
MODEL_VERSION = {"resnet50": 2, "senet50": 2, "vgg16": 1}
# Full gradient tensors are stored for these (model, image) pairs only, to keep the fixture folder
# near 8 MB (each is 602 KB); all pairs get gradient summary numbers in reference.json. The pairs
# were chosen without max-pool ties (equal positive maxima in a pooling window), whose gradient
# routing is implementation-defined.
GRADIENT_PAIRS = [("resnet50", "obama_face"), ("senet50", "sharon"), ("vgg16", "obama_face")]


# --------------------------------------------------------------------------------------------
# Stand-in modules so that keras_vggface 0.6 imports under Keras 2.15 (nothing is edited).
# --------------------------------------------------------------------------------------------
def install_keras_vggface_stand_ins():
    from keras.src.applications.imagenet_utils import obtain_input_shape
    from keras.src.utils import layer_utils
    from keras.utils import get_file, get_source_inputs

    ka = types.ModuleType("keras_applications")
    ka_iu = types.ModuleType("keras_applications.imagenet_utils")
    ka_iu._obtain_input_shape = obtain_input_shape
    ka.imagenet_utils = ka_iu
    du = types.ModuleType("keras.utils.data_utils")
    du.get_file = get_file
    eng = types.ModuleType("keras.engine")
    topo = types.ModuleType("keras.engine.topology")
    topo.get_source_inputs = get_source_inputs
    eng.topology = topo
    sys.modules.update({
        "keras_applications": ka,
        "keras_applications.imagenet_utils": ka_iu,
        "keras.utils.data_utils": du,
        "keras.utils.layer_utils": layer_utils,
        "keras.engine": eng,
        "keras.engine.topology": topo,
    })


# --------------------------------------------------------------------------------------------
# Builder mirroring keras_vggface/models.py (0.6) with a width divisor.
# Layer creation order, names, classes and options are the same as in the original.
# --------------------------------------------------------------------------------------------
def _w(n, d):
    assert n % d == 0, (n, d)
    return n // d


def vgg16(d=1, include_top=True, classes=2622, pooling=None):
    img_input = Input(shape=(224, 224, 3))
    x = img_input
    blocks = [(1, 64, 2), (2, 128, 2), (3, 256, 3), (4, 512, 3), (5, 512, 3)]
    for b, width, n in blocks:
        for i in range(1, n + 1):
            x = Conv2D(_w(width, d), (3, 3), activation="relu", padding="same", name="conv%d_%d" % (b, i))(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name="pool%d" % b)(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(_w(4096, d), name="fc6")(x)
        x = Activation("relu", name="fc6/relu")(x)
        x = Dense(_w(4096, d), name="fc7")(x)
        x = Activation("relu", name="fc7/relu")(x)
        x = Dense(classes, name="fc8")(x)
        x = Activation("softmax", name="fc8/softmax")(x)
    else:
        if pooling == "avg":
            x = GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = GlobalMaxPooling2D()(x)
    return Model(img_input, x, name="vggface_vgg16")


def _resnet_identity(x_in, kernel_size, filters, stage, block, eps, se, d):
    f1, f2, f3 = (_w(f, d) for f in filters)
    kw = {} if eps is None else {"epsilon": eps}
    base = "conv%d_%d" % (stage, block)
    x = Conv2D(f1, (1, 1), use_bias=False, name=base + "_1x1_reduce")(x_in)
    x = BatchNormalization(axis=3, name=base + "_1x1_reduce/bn", **kw)(x)
    x = Activation("relu")(x)
    x = Conv2D(f2, kernel_size, use_bias=False, padding="same", name=base + "_3x3")(x)
    x = BatchNormalization(axis=3, name=base + "_3x3/bn", **kw)(x)
    x = Activation("relu")(x)
    x = Conv2D(f3, (1, 1), use_bias=False, name=base + "_1x1_increase")(x)
    x = BatchNormalization(axis=3, name=base + "_1x1_increase/bn", **kw)(x)
    if se:
        x = _se_block(x, stage, block, d)
    x = layers.add([x, x_in])
    return Activation("relu")(x)


def _resnet_conv(x_in, kernel_size, filters, stage, block, strides, eps, se, d):
    f1, f2, f3 = (_w(f, d) for f in filters)
    kw = {} if eps is None else {"epsilon": eps}
    base = "conv%d_%d" % (stage, block)
    x = Conv2D(f1, (1, 1), strides=strides, use_bias=False, name=base + "_1x1_reduce")(x_in)
    x = BatchNormalization(axis=3, name=base + "_1x1_reduce/bn", **kw)(x)
    x = Activation("relu")(x)
    x = Conv2D(f2, kernel_size, padding="same", use_bias=False, name=base + "_3x3")(x)
    x = BatchNormalization(axis=3, name=base + "_3x3/bn", **kw)(x)
    x = Activation("relu")(x)
    x = Conv2D(f3, (1, 1), use_bias=False, name=base + "_1x1_increase")(x)
    x = BatchNormalization(axis=3, name=base + "_1x1_increase/bn", **kw)(x)
    if se:  # keras-vggface computes the SE branch before the projection shortcut
        x = _se_block(x, stage, block, d)
    s = Conv2D(f3, (1, 1), strides=strides, use_bias=False, name=base + "_1x1_proj")(x_in)
    s = BatchNormalization(axis=3, name=base + "_1x1_proj/bn", **kw)(s)
    x = layers.add([x, s])
    return Activation("relu")(x)


def _se_block(x_in, stage, block, d, compress_rate=16):
    # keras-vggface senet_se_block(..., bias=True): bottleneck = channels // 16 (of the full-width
    # channel count); with the divisor the bottleneck is divided by d too.
    c = int(x_in.shape[-1])
    bottleneck = (c * d // compress_rate) // d
    assert bottleneck >= 1
    base = "conv%d_%d" % (stage, block)
    se = GlobalAveragePooling2D()(x_in)
    se = Reshape((1, 1, c))(se)
    se = Conv2D(bottleneck, (1, 1), use_bias=True, name=base + "_1x1_down")(se)
    se = Activation("relu")(se)
    se = Conv2D(c, (1, 1), use_bias=True, name=base + "_1x1_up")(se)
    se = Activation("sigmoid")(se)
    return multiply([x_in, se])


def _resnet_like(d, include_top, classes, pooling, se):
    eps = 0.0001 if se else None  # RESNET50 uses the Keras default 1e-3 (no epsilon argument)
    kw = {} if eps is None else {"epsilon": eps}
    img_input = Input(shape=(224, 224, 3))
    x = Conv2D(_w(64, d), (7, 7), use_bias=False, strides=(2, 2), padding="same", name="conv1/7x7_s2")(img_input)
    x = BatchNormalization(axis=3, name="conv1/7x7_s2/bn", **kw)(x)
    x = Activation("relu")(x)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    stages = [(2, [64, 64, 256], 3), (3, [128, 128, 512], 4), (4, [256, 256, 1024], 6), (5, [512, 512, 2048], 3)]
    for stage, filters, n in stages:
        strides = (1, 1) if stage == 2 else (2, 2)
        x = _resnet_conv(x, 3, filters, stage, 1, strides, eps, se, d)
        for block in range(2, n + 1):
            x = _resnet_identity(x, 3, filters, stage, block, eps, se, d)
    x = AveragePooling2D((7, 7), name="avg_pool")(x)
    if include_top:
        x = Flatten()(x)
        x = Dense(classes, activation="softmax", name="classifier")(x)
    else:
        if pooling == "avg":
            x = GlobalAveragePooling2D()(x)
        elif pooling == "max":
            x = GlobalMaxPooling2D()(x)
    return Model(img_input, x, name="vggface_senet50" if se else "vggface_resnet50")


def resnet50(d=1, include_top=True, classes=8631, pooling=None):
    return _resnet_like(d, include_top, classes, pooling, se=False)


def senet50(d=1, include_top=True, classes=8631, pooling=None):
    return _resnet_like(d, include_top, classes, pooling, se=True)


BUILDERS = {"resnet50": resnet50, "senet50": senet50, "vgg16": vgg16}


# --------------------------------------------------------------------------------------------
# Proof: divisor 1 == keras-vggface
# --------------------------------------------------------------------------------------------
CONFIG_KEYS = ["padding", "strides", "kernel_size", "pool_size", "epsilon", "use_bias", "activation", "filters",
               "units", "axis", "dilation_rate", "momentum", "center", "scale", "target_shape", "data_format",
               "batch_input_shape", "groups"]


def describe(model):
    out = []
    for layer in model.layers:
        cfg = layer.get_config()
        out.append({
            "name": layer.name,
            "class": type(layer).__name__,
            "config": {k: cfg[k] for k in CONFIG_KEYS if k in cfg},
            "inbound": sorted({n.inbound_layers.name if not isinstance(n.inbound_layers, list) else
                               ",".join(l.name for l in n.inbound_layers) for n in layer._inbound_nodes}),
            "weights": [(w.name, tuple(w.shape)) for w in layer.weights],
        })
    return out


def prove_equivalence():
    install_keras_vggface_stand_ins()
    from keras_vggface import models as kvm
    originals = {"resnet50": (kvm.RESNET50, 8631), "senet50": (kvm.SENET50, 8631), "vgg16": (kvm.VGG16, 2622)}
    report = {}
    for name, (fn, classes) in originals.items():
        for top in (True, False):
            kwargs = dict(include_top=top, weights=None, classes=classes) if top else \
                dict(include_top=False, weights=None, pooling="avg", input_shape=(224, 224, 3))
            K.clear_session()
            ref = describe(fn(**kwargs))
            K.clear_session()
            mine = describe(BUILDERS[name](1, include_top=top, classes=classes, pooling=None if top else "avg"))
            assert len(ref) == len(mine), (name, top, len(ref), len(mine))
            for a, b in zip(ref, mine):
                assert a == b, (name, top, a, b)
            key = name + ("" if top else "_notop")
            report[key] = {"layers": len(ref), "layers_with_weights": sum(1 for a in ref if a["weights"]),
                           "weights": sum(len(a["weights"]) for a in ref)}
            print("identical to keras-vggface:", key, report[key], flush=True)
    K.clear_session()
    return report


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
def square_crop(img, cx, cy, side):
    half = side / 2.0
    box = (int(round(cx - half)), int(round(cy - half)), int(round(cx - half)) + side, int(round(cy - half)) + side)
    return img.crop(box).resize((224, 224), Image.BILINEAR), box


def make_inputs():
    """224x224 RGB uint8 inputs (saved as PNG) and extra calibration crops."""
    obama = Image.open(os.path.join(FACES, "obama.jpg")).convert("RGB")
    ivan = Image.open(os.path.join(FACES, "ivan.jpg")).convert("RGB")
    sharon = Image.open(os.path.join(SEED_DIR, "faceSharon.png")).convert("RGB")
    two = Image.open(os.path.join(FACES, "two_people.jpg")).convert("RGB")
    inputs = {}
    # MTCNN box of obama.jpg: [373, 82, 236, 340] -> square of side 340 around its centre
    im, box = square_crop(obama, 373 + 236 / 2, 82 + 340 / 2, 340)
    inputs["obama_face"] = (im, "obama.jpg crop %s (square around the MTCNN box [373, 82, 236, 340]), "
                                "PIL resize (224, 224) BILINEAR" % (box,))
    assert sharon.size == (224, 224)
    inputs["sharon"] = (sharon.resize((224, 224), Image.BILINEAR),
                        "seed/faceSharon.png (already 224x224), convert('RGB')")
    # MTCNN box of ivan.jpg: [277, 93, 49, 62] -> square of side 160 around it (upsampled)
    im, box = square_crop(ivan, 277 + 49 / 2, 93 + 62 / 2, 160)
    inputs["ivan_crop"] = (im, "ivan.jpg crop %s (square around the MTCNN box [277, 93, 49, 62]), PIL resize "
                               "(224, 224) BILINEAR" % (box,))
    calib = [square_crop(two, 235 + 74, 27 + 97, 220)[0], square_crop(two, 788 + 76, 46 + 103, 230)[0]]
    return inputs, calib


def preprocess_np(x_rgb, version):
    """keras_vggface.utils.preprocess_input(x, version) for channels_last float32 input."""
    x = np.array(x_rgb, dtype=np.float32)[..., ::-1].copy()
    for c, m in enumerate(PREPROCESS[version]):
        x[..., c] -= m
    return x


def preprocess_tf(x_rgb, version):
    mean = tf.constant(PREPROCESS[version], dtype=tf.float32)
    return tf.reverse(x_rgb, axis=[-1]) - mean


# --------------------------------------------------------------------------------------------
# Seeded random weights with calibrated scales
# --------------------------------------------------------------------------------------------
def layer_input_output(model, layer, x):
    sub = Model(model.inputs, [layer.input, layer.output])
    a, b = sub(x, training=False)
    return a.numpy(), b.numpy()


def randomise(model, rng, calib_x, kind):
    """Fill all weights; calib_x is preprocessed float32 NHWC data used to calibrate scales."""
    # 1. He-normal kernels, random biases, random BN affine, unit statistics for now
    for layer in model.layers:
        if isinstance(layer, Conv2D):
            kh, kw, cin, cout = layer.kernel.shape
            k = rng.normal(0.0, np.sqrt(2.0 / (kh * kw * cin)), size=(kh, kw, cin, cout))
            ws = [k]
            if layer.use_bias:
                ws.append(rng.normal(0.0, 0.1, size=(cout,)))
            layer.set_weights([w.astype(np.float32) for w in ws])
        elif isinstance(layer, Dense):
            nin, nout = layer.kernel.shape
            layer.set_weights([rng.normal(0.0, np.sqrt(2.0 / nin), size=(nin, nout)).astype(np.float32),
                               rng.normal(0.0, 0.1, size=(nout,)).astype(np.float32)])
        elif isinstance(layer, BatchNormalization):
            c = layer.gamma.shape[0]
            if layer.name.endswith("_1x1_increase/bn"):
                gamma = rng.uniform(0.2, 0.5, size=c)  # keep residual branches smaller than the trunk
            else:
                gamma = rng.uniform(0.6, 1.4, size=c)
            beta = rng.normal(0.0, 0.2, size=c)
            layer.set_weights([gamma.astype(np.float32), beta.astype(np.float32),
                               np.zeros(c, np.float32), np.ones(c, np.float32)])
    # 2. calibrate in topological order (model.layers order)
    for layer in model.layers:
        if isinstance(layer, BatchNormalization):
            xin, _ = layer_input_output(model, layer, calib_x)
            mean = xin.mean(axis=(0, 1, 2)).astype(np.float64)
            var = xin.var(axis=(0, 1, 2)).astype(np.float64)
            std = np.sqrt(var + 1e-6)
            g, b, _, _ = layer.get_weights()
            mm = mean + rng.normal(0.0, 0.1, size=mean.shape) * std
            mv = var * rng.uniform(0.8, 1.25, size=var.shape) + 1e-4
            layer.set_weights([g, b, mm.astype(np.float32), mv.astype(np.float32)])
        elif kind == "vgg16" and isinstance(layer, (Conv2D, Dense)) and layer.name != "fc8":
            # LSUV-style: scale kernel and bias so the pre-activation has unit std on the data
            xin, _ = layer_input_output(model, layer, calib_x)
            ws = layer.get_weights()
            pre = np.tensordot(xin, ws[0], axes=([xin.ndim - 1], [0])) if isinstance(layer, Dense) else None
            if pre is None:
                pre = tf.nn.conv2d(xin, ws[0], strides=1, padding="SAME").numpy()
            s = float(pre.std())
            layer.set_weights([(ws[0] / s).astype(np.float32), (ws[1] * 0.5).astype(np.float32)])
    # 3. classifier: logits with std ~1.5 over (images, classes)
    last = model.get_layer("fc8" if kind == "vgg16" else "classifier")
    xin, _ = layer_input_output(model, last, calib_x)
    w, b = last.get_weights()
    logits = xin @ w
    s = float(logits.std())
    w = w / s * 1.5
    b = rng.normal(0.0, 0.3, size=b.shape)
    last.set_weights([w.astype(np.float32), b.astype(np.float32)])


def maxpool_ties(model, x):
    """Number of (window, channel) pairs whose positive maximum occurs more than once, per MaxPooling2D."""
    pools = [l for l in model.layers if isinstance(l, MaxPooling2D)]
    outs = Model(model.inputs, [l.input for l in pools])(x, training=False)
    outs = outs if isinstance(outs, (list, tuple)) else [outs]
    res = {}
    for l, a in zip(pools, outs):
        a = a.numpy()[0]
        k, st = l.pool_size[0], l.strides[0]
        assert l.padding == "valid"
        H, W, C = a.shape
        ties = 0
        for i in range((H - k) // st + 1):
            for j in range((W - k) // st + 1):
                win = a[i * st:i * st + k, j * st:j * st + k, :].reshape(-1, C)
                mx = win.max(0)
                ties += int((((win == mx).sum(0) > 1) & (mx > 0)).sum())
        res[l.name] = ties
    return res


def top_gaps_ok(p, k=6, gap=1e-3):
    s = np.sort(p)[::-1]
    return bool(np.all(s[:k - 1] - s[1:k] >= gap))


# --------------------------------------------------------------------------------------------
def labels():
    v2_all = json.load(open(os.path.join(SEED_DIR, "labels.json"), encoding="utf8"))
    pick = [" Adam_Sandler", " Barack_Obama", " Ivan_Sergei", " Julia_Roberts", " Sharon_Stone", " Tom_Hanks",
            " Zac_Efron"]
    v2 = [n for n in pick if n in v2_all]
    v2 = sorted(v2, key=lambda n: v2_all[n])
    if len(v2) < CLASSES:  # fill deterministically from the real list
        for n in sorted(v2_all, key=v2_all.get):
            if n not in v2 and len(v2) < CLASSES:
                v2.append(n)
        v2 = sorted(v2, key=lambda n: v2_all[n])
    # VGGFace1 (labels_v1) names have no leading space, e.g. 'A.J._Buckley'
    v1 = ["A.J._Buckley", "Barack_Obama", "Carmine_Giovinazzo", "David_Denman", "Eddie_Cahill",
          "Robert_Buckley", "Sharon_Stone"]
    return np.array(v1), np.array(v2), {n: v2_all[n] for n in v2}


def main():
    tf.random.set_seed(0)
    np.random.seed(0)
    proof = prove_equivalence()
    os.makedirs(OUT_DIR, exist_ok=True)

    inputs, calib = make_inputs()
    image_info = {}
    x_u8 = {}
    for key, (im, desc) in inputs.items():
        path = os.path.join(OUT_DIR, key + ".png")
        im.save(path, optimize=False)
        back = np.asarray(Image.open(path).convert("RGB"))
        assert np.array_equal(back, np.asarray(im))
        x_u8[key] = back
        image_info[key] = {"file": key + ".png", "how": desc,
                           "sha256_of_rgb_bytes": hashlib.sha256(back.tobytes()).hexdigest()}

    v1, v2, v2_index = labels()
    np.save(os.path.join(OUT_DIR, "slim_labels_v1.npy"), v1, allow_pickle=False)
    np.save(os.path.join(OUT_DIR, "slim_labels_v2.npy"), v2, allow_pickle=False)

    ref = {
        "about": "Slim keras-vggface 0.6 architectures (every channel width / 16, 7 classes) with seeded random "
                 "weights. Inputs: the PNGs here, read as RGB uint8, cast to float32 (0..255), then "
                 "keras_vggface.utils.preprocess_input (RGB->BGR flip, subtract the BGR means of its version), "
                 "NHWC (1, 224, 224, 3). Probabilities: float64 repr of the float32 Keras outputs. Gradients in "
                 "gradients.h5 (see 'gradients').",
        "generated_by": "Scripts/reference/vggface_slim_reference.py",
        "versions": {"tensorflow": tf.__version__, "keras": keras.__version__, "numpy": np.__version__,
                     "h5py": h5py.__version__, "keras_vggface": "0.6"},
        "divisor": DIVISOR,
        "classes": CLASSES,
        "architecture_proof": {
            "statement": "keras_vggface.models RESNET50/SENET50/VGG16(weights=None) at full size, top "
                         "(classes 8631/8631/2622) and notop (pooling='avg'), each built after "
                         "keras.backend.clear_session(), have the same layer names, classes, configs "
                         "(" + ", ".join(CONFIG_KEYS) + "), inbound layers, weight names and weight shapes as "
                         "this script's builder with divisor 1 (asserted on every run).",
            "counts": proof,
        },
        "facts": {
            "preprocess_input": {
                "version_1_vgg16_bgr_means": list(PREPROCESS[1]),
                "version_2_resnet50_senet50_bgr_means": list(PREPROCESS[2]),
                "steps": "x = x[..., ::-1] (RGB -> BGR); x[..., 0] -= mean_B; x[..., 1] -= mean_G; "
                         "x[..., 2] -= mean_R; no scaling",
            },
            "batchnorm_epsilon": {"resnet50": 0.001, "senet50": 0.0001, "vgg16": None},
            "conv_bias": {"resnet50": "no conv has a bias (use_bias=False); classifier Dense has one",
                          "senet50": "trunk convs have no bias; the SE convs conv*_1x1_down / conv*_1x1_up have "
                                     "biases; classifier Dense has one",
                          "vgg16": "every conv and Dense has a bias"},
            "se_block": "after the 1x1_increase BN: GlobalAveragePooling2D -> Reshape(1,1,C) -> Conv 1x1 "
                        "C//16 (bias) 'convS_B_1x1_down' -> relu -> Conv 1x1 C (bias) 'convS_B_1x1_up' -> sigmoid "
                        "-> multiply with the BN output; then add shortcut (projection in block 1), relu",
            "notop": {
                "resnet50/senet50": "include_top=False keeps AveragePooling2D((7,7), name='avg_pool'); "
                                    "pooling='avg' then adds GlobalAveragePooling2D on the 1x1 map: the feature "
                                    "is the 2048/16 = 128-d vector that the classifier Dense receives",
                "vgg16": "include_top=False drops flatten, fc6, fc6/relu, fc7, fc7/relu, fc8, fc8/softmax: the "
                         "model ends at pool5 (7x7x512, here 7x7x32); pooling='avg' adds GlobalAveragePooling2D "
                         "over pool5 -> 512-d (here 32-d). This is NOT the fc7 descriptor.",
                "weights_in_notop_files": "exactly the layers of the notop model (no classifier / fc layers)",
            },
            "label_files": "keras-vggface decode_predictions does np.load(labels) (plain numpy unicode array, "
                           "no pickle) and prints str(LABELS[i].encode('utf8')). v2 names (ResNet50/SENet50, "
                           "8631 classes) start with a space, e.g. ' A._J._Buckley'; v1 names (VGG16, 2622 "
                           "classes) have no leading space, e.g. 'A.J._Buckley'. slim_labels_v2.npy holds 7 real "
                           "v2 names (their index in the real 8631 list is in 'slim_labels_v2_real_index'); "
                           "slim_labels_v1.npy holds 7 names in v1 spelling (format example only).",
        },
        "slim_labels_v1": v1.tolist(),
        "slim_labels_v2": v2.tolist(),
        "slim_labels_v2_real_index": v2_index,
        "images": image_info,
        "gradients": {
            "file": "gradients.h5",
            "datasets": "/<model>/<image key>, float32 (1, 224, 224, 3), NHWC, RGB channel order, for the pairs "
                        + ", ".join("%s/%s" % p for p in GRADIENT_PAIRS) + " (the others: summary numbers "
                        "gradient_l2 / gradient_max_abs / gradient_sum only). maxpool_positive_ties counts pooling "
                        "windows x channels whose positive maximum is attained more than once (TensorFlow routes "
                        "the gradient to one of them); the stored pairs have none.",
            "definition": "d loss / d x where x = RGB pixels as float32 0..255 (before preprocess_input), "
                          "loss = sparse categorical cross-entropy = -ln(p[label]) of the softmax output, label = "
                          "top-1 class of that image (batch of 1, no averaging); preprocess_input is inside the "
                          "differentiated function, so the B and R gradient planes come back flipped to RGB",
        },
        "models": {},
    }

    grads = {}
    for kind in ("resnet50", "senet50", "vgg16"):
        version = MODEL_VERSION[kind]
        xs = {k: preprocess_np(v[None].astype(np.float32), version) for k, v in x_u8.items()}
        calib_x = np.concatenate(list(xs.values()) + [preprocess_np(np.asarray(c)[None], version) for c in calib])
        chosen = None
        for seed in range(100):
            K.clear_session()
            model = BUILDERS[kind](DIVISOR, include_top=True, classes=CLASSES)
            randomise(model, np.random.RandomState(seed), calib_x, kind)
            probs = {k: model(x, training=False).numpy()[0] for k, x in xs.items()}
            ok = all(top_gaps_ok(p) for p in probs.values())
            print(kind, "seed", seed, "gaps ok" if ok else "gaps too small",
                  {k: np.round(np.sort(p)[::-1], 4).tolist() for k, p in probs.items()}, flush=True)
            if ok:
                chosen = seed
                break
        assert chosen is not None
        top_path = os.path.join(OUT_DIR, "slim_%s.h5" % kind)
        notop_path = os.path.join(OUT_DIR, "slim_%s_notop.h5" % kind)
        model.save_weights(top_path)
        # notop model with the same weights (copied by layer name), built in a fresh Keras session so
        # that its auto-generated layer names (activation, add, ...) are those of a fresh build too
        named = {layer.name: layer.get_weights() for layer in model.layers if layer.weights}
        K.clear_session()
        notop = BUILDERS[kind](DIVISOR, include_top=False, pooling="avg")
        for layer in notop.layers:
            if layer.weights:
                layer.set_weights(named[layer.name])
        notop.save_weights(notop_path)
        # reload both from the files into fresh models and recompute everything from them
        K.clear_session()
        notop = BUILDERS[kind](DIVISOR, include_top=False, pooling="avg")
        notop.load_weights(notop_path)
        K.clear_session()
        model = BUILDERS[kind](DIVISOR, include_top=True, classes=CLASSES)
        model.load_weights(top_path)

        entry = {"weights": os.path.basename(top_path), "weights_notop": os.path.basename(notop_path),
                 "seed": chosen, "preprocess_version": version,
                 "labels_file": "slim_labels_v%d.npy" % version,
                 "output_classes": CLASSES,
                 "feature_dim": int(notop.output.shape[-1]),
                 "params": int(model.count_params()), "params_notop": int(notop.count_params()),
                 "images": {}}
        for key, u8 in x_u8.items():
            x_rgb = tf.constant(u8[None].astype(np.float32))
            xp = preprocess_tf(x_rgb, version)
            assert np.array_equal(xp.numpy(), xs[key]), "tf preprocess != keras_vggface preprocess"
            p = model(xp, training=False).numpy()[0]
            assert top_gaps_ok(p)
            label = int(np.argmax(p))
            with tf.GradientTape() as tape:
                tape.watch(x_rgb)
                out = model(preprocess_tf(x_rgb, version), training=False)
                loss = tf.keras.losses.sparse_categorical_crossentropy(tf.constant([label]), out)[0]
            g = tape.gradient(loss, x_rgb).numpy().astype(np.float32)
            if (kind, key) in GRADIENT_PAIRS:
                grads[(kind, key)] = g
            feat = notop(xp, training=False).numpy()[0]
            if kind != "vgg16":  # the feature is exactly the classifier input
                w, b = model.get_layer("classifier").get_weights()
                z = feat.astype(np.float64) @ w.astype(np.float64) + b
                pz = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
                assert np.allclose(pz, p, atol=1e-5), (pz, p)
            order = np.argsort(-p.astype(np.float64), kind="stable")
            sorted_p = p[order]
            entry["images"][key] = {
                "probabilities": [float(v) for v in p],
                "top5": [int(i) for i in order[:5]],
                "top5_labels": [str(v2[i] if version == 2 else v1[i]) for i in order[:5]],
                "min_gap_top6": float(np.min(sorted_p[:5] - sorted_p[1:6])),
                "loss_label": label,
                "loss": float(loss.numpy()),
                "gradient_dataset": "/%s/%s" % (kind, key) if (kind, key) in GRADIENT_PAIRS else None,
                "maxpool_positive_ties": maxpool_ties(model, xp),
                "gradient_l2": float(np.sqrt((g.astype(np.float64) ** 2).sum())),
                "gradient_max_abs": float(np.abs(g).max()),
                "gradient_sum": float(g.astype(np.float64).sum()),
                "notop_feature_first16": [float(v) for v in feat[:16]],
                "notop_feature_l2": float(np.sqrt((feat.astype(np.float64) ** 2).sum())),
            }
            if (kind, key) in GRADIENT_PAIRS:
                assert sum(entry["images"][key]["maxpool_positive_ties"].values()) == 0, (kind, key)
            print(kind, key, "top5", order[:5].tolist(), "p", np.round(sorted_p, 4).tolist(), "loss",
                  float(loss), "|g|", entry["images"][key]["gradient_l2"], flush=True)
        ref["models"][kind] = entry

    gpath = os.path.join(OUT_DIR, "gradients.h5")
    if os.path.exists(gpath):
        os.remove(gpath)
    with h5py.File(gpath, "w", libver="earliest") as f:
        f.attrs["definition"] = np.bytes_(ref["gradients"]["definition"])
        for (kind, key), g in grads.items():
            d = f.create_dataset("%s/%s" % (kind, key), data=g, track_times=False)
            d.attrs["label"] = ref["models"][kind]["images"][key]["loss_label"]
    with open(os.path.join(OUT_DIR, "reference.json"), "w", encoding="utf8") as f:
        json.dump(ref, f, indent=1, ensure_ascii=False)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT_DIR, n)) for n in os.listdir(OUT_DIR))
    print("folder size", total)


if __name__ == "__main__":
    sys.exit(main())
