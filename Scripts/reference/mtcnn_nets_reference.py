#!/usr/bin/env python3
"""P-Net / R-Net / O-Net outputs of mtcnn==0.1.1 on fixed inputs cut from obama.jpg.

Run in the tf venv:
    /work/venvs/tf/bin/python Scripts/reference/mtcnn_nets_reference.py

Builds the networks with mtcnn.network.factory.NetworkFactory (the package's own Keras models),
loads the weights from Sources/FaceNets/Resources/mtcnn_weights.h5 (made by
Scripts/convert_mtcnn_weights.py) and checks they equal the package's mtcnn_weights.npy.
Writes Tests/FaceNetsTests/Fixtures/mtcnn/nets.h5 (see the README.md next to it).

Inputs are prepared exactly like mtcnn.py prepares them:
  pixels -> (x - 127.5) * 0.0078125 -> transposed so that axis 1 is the image x (column) axis and
  axis 2 the image y (row) axis (P-Net: np.transpose(img[None], (0, 2, 1, 3));
  R/O-Net: crops stacked as (24|48, 24|48, 3, N) then np.transpose(.., (3, 1, 0, 2))).
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2  # noqa: E402
import h5py  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402

import mtcnn  # noqa: E402
from mtcnn.network.factory import NetworkFactory  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WEIGHTS_H5 = os.path.join(REPO, "Sources", "FaceNets", "Resources", "mtcnn_weights.h5")
OUT = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "mtcnn", "nets.h5")
OBAMA = "/work/shared/data/faces/obama.jpg"

tf.random.set_seed(0)
np.random.seed(0)

# Crops of obama.jpg (910x1137), [x1, y1, x2, y2] inclusive pixel bounds (x = column, y = row).
# The face box is MTCNN's detection [373, 82, 236, 340] made square-ish.
PNET_CROP = (330, 60, 650, 460)          # face with margin -> resized to W=31, H=27 (INTER_AREA, uint8)
RNET_CROPS = [(373, 120, 608, 355),      # face, square 236
              (20, 600, 140, 720),        # background/suit, square 121
              (420, 160, 520, 260)]       # centre of the face (eyes+nose), square 101
ONET_CROPS = [(373, 120, 608, 355),       # face
              (450, 60, 700, 310)]        # shifted window, half face


def load_keras_h5_group(f, net):
    g = f[net]
    out = []
    for ln in g.attrs["layer_names"]:
        lg = g[ln.decode()]
        for wn in lg.attrs["weight_names"]:
            out.append(np.asarray(lg[wn.decode()]))
    return out


def crop_resize(img, box, size):
    """Like mtcnn.py stage 2/3: the crop as a float64 array, cv2.resize INTER_AREA to size x size."""
    x1, y1, x2, y2 = box
    tmp = img[y1:y2 + 1, x1:x2 + 1, :].astype(np.float64)
    return cv2.resize(tmp, (size, size), interpolation=cv2.INTER_AREA)


def main():
    img = np.asarray(Image.open(OBAMA).convert("RGB"))
    npy = np.load(os.path.join(os.path.dirname(mtcnn.__file__), "data", "mtcnn_weights.npy"),
                  allow_pickle=True).tolist()
    fac = NetworkFactory()
    pnet, rnet, onet = fac.build_pnet(), fac.build_rnet(), fac.build_onet()
    with h5py.File(WEIGHTS_H5, "r") as f:
        for net, model in (("pnet", pnet), ("rnet", rnet), ("onet", onet)):
            ws = load_keras_h5_group(f, net)
            assert len(ws) == len(npy[net])
            for a, b in zip(ws, npy[net]):
                assert a.shape == b.shape and np.array_equal(a, b)
            model.set_weights(ws)

    # ---- P-Net: image region resized to width 31, height 27, uint8 like the pyramid levels
    x1, y1, x2, y2 = PNET_CROP
    p_u8 = cv2.resize(img[y1:y2 + 1, x1:x2 + 1, :], (31, 27), interpolation=cv2.INTER_AREA)  # (27, 31, 3)
    p_norm = (p_u8 - 127.5) * 0.0078125
    p_in = np.transpose(np.expand_dims(p_norm, 0), (0, 2, 1, 3)).astype(np.float32)  # (1, 31, 27, 3)
    p_out = pnet.predict(p_in, verbose=0)

    # ---- R-Net
    r_stack = np.stack([crop_resize(img, b, 24) for b in RNET_CROPS], axis=3)  # (24, 24, 3, N)
    r_in = np.transpose((r_stack - 127.5) * 0.0078125, (3, 1, 0, 2)).astype(np.float32)
    r_out = rnet.predict(r_in, verbose=0)

    # ---- O-Net
    o_stack = np.stack([crop_resize(img, b, 48) for b in ONET_CROPS], axis=3)
    o_in = np.transpose((o_stack - 127.5) * 0.0078125, (3, 1, 0, 2)).astype(np.float32)
    o_out = onet.predict(o_in, verbose=0)

    def ds(f, name, a, desc):
        d = f.create_dataset(name, data=np.asarray(a, dtype=np.float32), track_times=False)
        d.attrs["description"] = np.bytes_(desc)

    if os.path.exists(OUT):
        os.remove(OUT)
    with h5py.File(OUT, "w", libver="earliest") as f:
        f.attrs["generated_by"] = np.bytes_("Scripts/reference/mtcnn_nets_reference.py (mtcnn 0.1.1, tensorflow-cpu "
                                            + tf.__version__ + ")")
        f.attrs["axis_order"] = np.bytes_(
            "All net inputs/outputs are NHWC tensors of the TRANSPOSED image: axis 1 = image x (column), "
            "axis 2 = image y (row), axis 3 = channel (R, G, B). Normalisation (x - 127.5) * 0.0078125.")
        ds(f, "pnet/input", p_in, "(1, 31, 27, 3): obama.jpg region x 330..650, y 60..460 resized with cv2 INTER_AREA "
           "(uint8) to width 31 x height 27, normalised, transposed (0, 2, 1, 3)")
        ds(f, "pnet/input_uint8_hwc", p_u8, "(27, 31, 3) the uint8 RGB resized region before normalisation/transpose")
        ds(f, "pnet/output_regression", p_out[0], "(1, 11, 9, 4) conv4-2 output (model output 0), transposed axes")
        ds(f, "pnet/output_prob", p_out[1], "(1, 11, 9, 2) softmax(conv4-1) over axis 3 (model output 1); [..., 1] = face")
        ds(f, "rnet/input", r_in, "(3, 24, 24, 3) three obama.jpg crops, float64 cv2 INTER_AREA to 24x24, normalised, "
           "np.transpose(stack(24, 24, 3, N), (3, 1, 0, 2))")
        ds(f, "rnet/crops_x1y1x2y2", np.array(RNET_CROPS), "(3, 4) inclusive crop bounds in obama.jpg")
        ds(f, "rnet/output_regression", r_out[0], "(3, 4) conv5-2 (model output 0)")
        ds(f, "rnet/output_prob", r_out[1], "(3, 2) softmax(conv5-1) over axis 1 (model output 1); [:, 1] = face")
        ds(f, "onet/input", o_in, "(2, 48, 48, 3) two obama.jpg crops, float64 cv2 INTER_AREA to 48x48, normalised, "
           "transposed like R-Net")
        ds(f, "onet/crops_x1y1x2y2", np.array(ONET_CROPS), "(2, 4) inclusive crop bounds in obama.jpg")
        ds(f, "onet/output_regression", o_out[0], "(2, 4) conv6-2 (model output 0)")
        ds(f, "onet/output_landmarks", o_out[1], "(2, 10) conv6-3 (model output 1): x1..x5 then y1..y5, fractions of "
           "the crop width/height (le, re, nose, ml, mr)")
        ds(f, "onet/output_prob", o_out[2], "(2, 2) softmax(conv6-1) over axis 1 (model output 2); [:, 1] = face")

    print("pnet in", p_in.shape, "out", [o.shape for o in p_out], "max face prob", float(p_out[1][..., 1].max()))
    print("rnet prob", r_out[1][:, 1], "onet prob", o_out[2][:, 1])
    print("onet landmarks", o_out[1])
    print("wrote", OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    sys.exit(main())
