#!/usr/bin/env python3
"""Reference outputs of dlib's HOG frontal face detector for the Swift port (DlibHOG tests).

Run in the dlib venv (dlib 20.0.1, numpy, pillow):
    /work/venvs/dlib/bin/python Scripts/reference/dlib_hog_reference.py

Writes Tests/FaceNetsTests/Fixtures/dlib_hog/detections.json with
  * photos: for every *.jpg/*.jpeg/*.png in /work/shared/data/faces and /work/shared/data/seed,
    img = np.asarray(PIL.Image.open(p).convert('RGB')) and
    detector.run(img, upsample, 0.0) for upsample 0 and 1: rects (inclusive ltrb), scores
    (detection confidences) and filter indices, in dlib's order;
  * resize_cases: dlib.resize_image on a seeded random RGB image (the bilinear RGB resampling
    that pyramid_down<6> and pyramid_up use) to the sizes those pyramids produce;
  * rect_cases: pyramid_down(6) and pyramid_down(2) rect_up / rect_down of fixed rectangles
    (as drectangles: the corners' exact doubles, before dlib rounds them) and level counts;
  * detector_file: the saved detector's size and the byte offset of each field (for the
    reader's damage tests);
  * separable_ranks: per filter and feature plane, the number of singular values dlib's
    build_fhog_filterbank keeps (max(1e-4, 0.001 * largest)), computed here with numpy's SVD
    (diagnostic: it tells whether dlib filters with the separable approximation).
Cross-checks the upsample-1 rectangles against Tests/FacePipelineTests/Fixtures/dlib_pipeline.json.
"""
import importlib.metadata as md
import json
import os
import sys

import dlib
import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "dlib_hog", "detections.json")
PIPELINE = os.path.join(REPO, "Tests", "FacePipelineTests", "Fixtures", "dlib_pipeline.json")
DETECTOR = os.path.join(REPO, "Sources", "FaceNets", "Resources", "dlib_frontal_face_detector.svm")
SHARED = "/work/shared"
IMAGE_DIRS = ["data/faces", "data/seed"]


def list_images():
    out = []
    for d in IMAGE_DIRS:
        for n in sorted(os.listdir(os.path.join(SHARED, d))):
            if n.lower().endswith((".jpg", ".jpeg", ".png")):
                out.append(d + "/" + n)
    return out


def ltrb(r):
    return [r.left(), r.top(), r.right(), r.bottom()]


def run(detector, img, upsample):
    rects, scores, indices = detector.run(img, upsample, 0.0)
    return {"rects_ltrb": [ltrb(r) for r in rects], "scores": [float(s) for s in scores],
            "filter_indices": [int(i) for i in indices]}


def resize_cases():
    rng = np.random.default_rng(20260527)
    cases = []
    for (h, w) in [(13, 17), (20, 11)]:
        img = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
        # pyramid_up with pyramid_down<2>: (2h+1) x (2w+2) (from rect_up of the image's rect);
        # pyramid_down<6>: floor(5h/6) x floor(5w/6); plus two other sizes.
        for (rh, rw) in [(2 * h + 1, 2 * w + 2), (5 * h // 6, 5 * w // 6), (h + 3, w - 2), (7, 5)]:
            out = dlib.resize_image(img, rh, rw)
            cases.append({"height": h, "width": w, "rgb": img.reshape(-1).tolist(),
                          "out_height": rh, "out_width": rw, "out_rgb": out.reshape(-1).tolist()})
    return cases


def drect(r):
    return [r.left(), r.top(), r.right(), r.bottom()]


def rect_cases():
    """Corners mapped with dlib's point maps, unrounded (drectangle in, drectangle out)."""
    cases = []
    p6 = dlib.pyramid_down(6)
    p2 = dlib.pyramid_down(2)
    for (l, t, r, b) in [(0, 0, 79, 79), (-13, -5, 66, 74), (101, 37, 180, 116), (3, 250, 40, 287)]:
        rect = dlib.drectangle(l, t, r, b)
        for levels in [0, 1, 2, 5]:
            cases.append({"ltrb": [l, t, r, b], "levels": levels,
                          "pyramid6_up": drect(p6.rect_up(rect, levels)),
                          "pyramid6_down": drect(p6.rect_down(rect, levels)),
                          "pyramid2_down": drect(p2.rect_down(rect, levels)),
                          "pyramid2_up": drect(p2.rect_up(rect, levels))})
    return cases


FIELDS = ["object_detector version", "scan_fhog_pyramid version", "cached feature pyramid max size",
          "cached feature pyramid size", "cell size", "padding", "detection window width",
          "detection window height", "max pyramid levels", "min pyramid layer width",
          "min pyramid layer height"]


def parse_detector():
    """Parses the saved detector with dlib's integer and float encodings (serialize.h): the
    byte offset of every field up to the first filter, and the filters' weight vectors."""
    data = open(DETECTOR, "rb").read()
    pos = [0]
    offsets = {}

    def integer(name=None):
        if name:
            offsets[name] = pos[0]
        c = data[pos[0]]
        n = c & 0x0F
        v = int.from_bytes(data[pos[0] + 1:pos[0] + 1 + n], "little")
        pos[0] += 1 + n
        return -v if c & 0x80 else v

    def double(name=None):
        if name:
            offsets[name] = pos[0]
        m = integer()
        e = integer()
        return float(np.ldexp(float(m), e))
    for name in FIELDS:
        integer(name)
    double("nuclear norm regularization strength")
    dims = integer("feature dimensions")
    double("overlap IoU threshold")
    double("overlap percent-covered threshold")
    count = integer("filter count")
    weights = []
    for i in range(count):
        offsets["filter %d rows" % i] = pos[0]
        rows, cols = -integer(), -integer()
        assert rows == dims + 1 and cols == 1
        weights.append([double() for _ in range(rows)])
    assert pos[0] == len(data)
    return {"size": len(data), "offsets": offsets}, weights


def separable_ranks():
    ranks = []
    for w in parse_detector()[1]:
        per_plane = []
        for i in range(31):
            f = np.array(w[i * 100:(i + 1) * 100]).reshape(10, 10)
            s = np.linalg.svd(f, compute_uv=False)
            thresh = max(1e-4, s.max() * 0.001)
            per_plane.append(int((s >= thresh).sum()))
        ranks.append(per_plane)
    return ranks


def main():
    detector = dlib.get_frontal_face_detector()
    doc = {
        "about": "dlib HOG frontal face detector reference (see the script's docstring). "
                 "Decoding: np.asarray(PIL.Image.open(p).convert('RGB')); paths relative to ../shared.",
        "generated_by": "Scripts/reference/dlib_hog_reference.py",
        "versions": {"dlib": dlib.__version__, "numpy": np.__version__, "pillow": md.version("pillow")},
        "photos": [],
        "resize_cases": resize_cases(),
        "rect_cases": rect_cases(),
        "separable_ranks": separable_ranks(),
        "detector_file": parse_detector()[0],
    }
    for rel in list_images():
        img = np.ascontiguousarray(np.asarray(Image.open(os.path.join(SHARED, rel)).convert("RGB")))
        doc["photos"].append({"path": rel, "width": int(img.shape[1]), "height": int(img.shape[0]),
                              "upsample0": run(detector, img, 0), "upsample1": run(detector, img, 1)})
    pipeline = json.load(open(PIPELINE))["images"]
    for photo in doc["photos"]:
        name = os.path.basename(photo["path"])
        expected = [f["hog_rect_ltrb"] for f in pipeline[name]["faces"]]
        if expected != photo["upsample1"]["rects_ltrb"]:
            print(f"MISMATCH with dlib_pipeline.json on {name}", file=sys.stderr)
            return 1
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes), {len(doc['photos'])} photos")
    print("separable ranks per filter:", [sum(r) for r in doc["separable_ranks"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
