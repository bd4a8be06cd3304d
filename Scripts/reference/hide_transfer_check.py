#!/usr/bin/env python3
"""Transfer check for `advcli attack --hide`: do the original tools still find the hidden face?

For each (original photo, hidden photo, face box) it runs the original detectors available in the
running Python on both files and reports, per tool, its own box of the face on the original (its
detection with the highest IoU with the given box) and whether the hidden file still has a
detection overlapping that box with IoU >= 0.3 (the hide goal's rule).

Tools, whichever import:
  mtcnn      mtcnn==0.1.1 (TensorFlow 2.15, OpenCV), MTCNN().detect_faces, package defaults
  dlib-hog   dlib.get_frontal_face_detector(), upsample 1 (face_recognition's "hog")
  dlib-cnn   dlib.cnn_face_detection_model_v1(mmod_human_face_detector.dat), upsample 1

Run it once per venv (see Scripts/reference/README.md); it writes its JSON to the second argument
(Keras prints progress bars on stdout):
  venv-mtcnn/bin/python Scripts/reference/hide_transfer_check.py pairs.json mtcnn.json
  venv-dlib/bin/python  Scripts/reference/hide_transfer_check.py pairs.json dlib.json

pairs.json: [{"original": PATH, "hidden": PATH, "box": [x, y, width, height]}, ...] (the box is
the attacked face as `advcli attack --json` reports it).
"""
import json
import os
import sys

import numpy as np
from PIL import Image

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def iou(a, b):
    """IoU of two [x, y, width, height] boxes (pixels, exclusive extent)."""
    ax2, ay2 = a[0] + a[2], a[1] + a[3]
    bx2, by2 = b[0] + b[2], b[1] + b[3]
    w = max(0, min(ax2, bx2) - max(a[0], b[0]))
    h = max(0, min(ay2, by2) - max(a[1], b[1]))
    inter = w * h
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union > 0 else 0.0


def detectors():
    found = {}
    try:
        from mtcnn import MTCNN

        net = MTCNN()
        found["mtcnn"] = lambda img: [
            (list(map(int, f["box"])), float(f["confidence"])) for f in net.detect_faces(img)
        ]
    except ImportError:
        pass
    try:
        import dlib

        hog = dlib.get_frontal_face_detector()

        def run_hog(img):
            rects, scores, _ = hog.run(img, 1, 0)
            return [([r.left(), r.top(), r.width(), r.height()], float(s)) for r, s in zip(rects, scores)]

        found["dlib-hog"] = run_hog
        model = os.path.expanduser("~/.local/share/faceadversary/models/mmod_human_face_detector.dat")
        if os.path.exists(model):
            cnn = dlib.cnn_face_detection_model_v1(model)
            found["dlib-cnn"] = lambda img: [
                ([d.rect.left(), d.rect.top(), d.rect.width(), d.rect.height()], float(d.confidence))
                for d in cnn(img, 1)
            ]
    except ImportError:
        pass
    return found


def main():
    pairs = json.load(open(sys.argv[1]))
    tools = detectors()
    results = []
    for pair in pairs:
        original, hidden = load_rgb(pair["original"]), load_rgb(pair["hidden"])
        entry = {"original": pair["original"], "hidden": pair["hidden"], "tools": {}}
        for name, detect in tools.items():
            before = detect(original)
            after = detect(hidden)
            overlaps = [iou(box, pair["box"]) for box, _ in before]
            if not overlaps or max(overlaps) == 0:
                entry["tools"][name] = {"before": before, "after": after, "face": None}
                continue
            face = before[int(np.argmax(overlaps))][0]
            still = [d for d in after if iou(d[0], face) >= 0.3]
            entry["tools"][name] = {
                "before": before, "after": after, "face": face, "hidden": not still,
                "still_found": still,
            }
        results.append(entry)
    with open(sys.argv[2], "w") as out:
        json.dump({"tools": sorted(tools), "results": results}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
