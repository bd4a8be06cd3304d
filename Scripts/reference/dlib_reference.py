#!/usr/bin/env python3
"""dlib reference pipeline: HOG detection -> 5-point landmarks -> 150x150 chip -> 128-D descriptor.

Run in the dlib venv (dlib 20.0.1 built from source, face_recognition 1.3.0,
face_recognition_models 0.3.0, pillow, numpy):
    /work/venvs/dlib/bin/python Scripts/reference/dlib_reference.py

For every *.jpg/*.jpeg/*.png in /work/shared/data/faces and /work/shared/data/seed:
  img = np.asarray(PIL.Image.open(p).convert('RGB'))
  rects = face_recognition's HOG detector (dlib.get_frontal_face_detector()) with upsample 1
  shape = shape_predictor_5_face_landmarks.dat on each rect
  chip  = dlib.get_face_chip(img, shape, size=150, padding=0.25)
  desc  = face_recognition.face_encodings(img)  (num_jitters=1, model='small')
Writes Tests/FacePipelineTests/Fixtures/dlib_pipeline.json and cross-checks the chips and
descriptors of /work/shared/fixtures/dlib-chips/expected.json.
"""
import hashlib
import importlib.metadata as md
import json
import os
import sys

import dlib
import face_recognition
import face_recognition_models
import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(REPO, "Tests", "FacePipelineTests", "Fixtures", "dlib_pipeline.json")
IMAGE_DIRS = ["/work/shared/data/faces", "/work/shared/data/seed"]
CHIPS = "/work/shared/fixtures/dlib-chips"
TOLERANCE = 0.6


def sha256_file(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def list_images():
    out = []
    for d in IMAGE_DIRS:
        for n in sorted(os.listdir(d)):
            if n.lower().endswith((".jpg", ".jpeg", ".png")):
                out.append(os.path.join(d, n))
    return out


def pyramid_levels(rect):
    """Levels extract_image_chips uses for a chip rectangle (fact sheet section 5.3 step 1)."""
    def area(r):
        return (r[2] - r[0] + 1) * (r[3] - r[1] + 1)

    def down(r):
        return (r[0] / 2 - 1.25, r[1] / 2 - 0.75, r[2] / 2 - 1.25, r[3] / 2 - 0.75)
    depth = 0
    x = down(rect)
    while area(x) > 150 * 150:
        x = down(x)
        depth += 1
    return depth


def main():
    detector = dlib.get_frontal_face_detector()
    sp5 = dlib.shape_predictor(face_recognition_models.pose_predictor_five_point_model_location())
    encoder = dlib.face_recognition_model_v1(face_recognition_models.face_recognition_model_location())
    models = {
        "shape_predictor_5_face_landmarks.dat": face_recognition_models.pose_predictor_five_point_model_location(),
        "dlib_face_recognition_resnet_model_v1.dat": face_recognition_models.face_recognition_model_location(),
    }
    doc = {
        "about": "dlib reference pipeline. Decoding: np.asarray(PIL.Image.open(p).convert('RGB')). HOG detector "
                 "dlib.get_frontal_face_detector() with upsample 1 (face_recognition.face_locations default), "
                 "faces in dlib's order. hog_rect_ltrb = the raw dlib rectangle (used for the landmarks; may lie "
                 "partly outside the image); face_locations_trbl = face_recognition.face_locations (clipped to the "
                 "image, (top, right, bottom, left)). landmarks5_xy from shape_predictor_5_face_landmarks.dat. "
                 "chip = dlib.get_face_chip(img, shape, size=150, padding=0.25); chip_rect_ltrb / chip_angle_rad "
                 "from dlib.get_face_chip_details(shape, 150, 0.25); chip_rgb_sha256 = sha256 of the chip's raw "
                 "150x150x3 RGB bytes. descriptor = face_recognition.face_encodings(img) (num_jitters=1, "
                 "model='small'), float64 repr of dlib's float values. Distances: Euclidean; same person iff "
                 "distance <= 0.6.",
        "generated_by": "Scripts/reference/dlib_reference.py",
        # distribution versions (the modules' own __version__ strings are stale: 1.2.3 / 0.1.0)
        "versions": {"dlib": dlib.__version__, "face_recognition": md.version("face_recognition"),
                     "face_recognition_models": md.version("face_recognition_models"), "numpy": np.__version__,
                     "pillow": md.version("pillow")},
        "models": {k: {"file": os.path.basename(v), "sha256": sha256_file(v), "size": os.path.getsize(v)}
                   for k, v in models.items()},
        "tolerance": TOLERANCE,
        "images": {},
    }
    all_faces = []
    chips_by_key = {}
    for path in list_images():
        name = os.path.basename(path)
        img = np.ascontiguousarray(np.asarray(Image.open(path).convert("RGB")))
        rects, scores, kinds = detector.run(img, 1, 0.0)
        locs = face_recognition.face_locations(img)  # default upsample 1, hog
        encs = face_recognition.face_encodings(img)   # default num_jitters=1, model small
        assert len(rects) == len(locs) == len(encs), (name, len(rects), len(locs), len(encs))
        faces = []
        for i, r in enumerate(rects):
            shape = sp5(img, r)
            pts = [[shape.part(k).x, shape.part(k).y] for k in range(shape.num_parts)]
            det = dlib.get_face_chip_details(shape, size=150, padding=0.25)
            chip = np.asarray(dlib.get_face_chip(img, shape, size=150, padding=0.25))
            d_chip = np.array(encoder.compute_face_descriptor(chip))   # descriptor of the aligned chip
            d_pipe = np.array(encs[i])
            assert np.max(np.abs(d_chip - d_pipe)) < 1e-5, (name, i, np.max(np.abs(d_chip - d_pipe)))
            cr = det.rect
            rect = [cr.left(), cr.top(), cr.right(), cr.bottom()]
            faces.append({
                "hog_rect_ltrb": [r.left(), r.top(), r.right(), r.bottom()],
                "hog_score": float(scores[i]),
                "hog_subdetector": int(kinds[i]),
                "face_locations_trbl": list(locs[i]),
                "landmarks5_xy": pts,
                "chip_rect_ltrb": rect,
                "chip_angle_rad": float(det.angle),
                "chip_size": [int(det.rows), int(det.cols)],
                "pyramid_levels_used": pyramid_levels(rect),
                "chip_rgb_sha256": hashlib.sha256(chip.tobytes()).hexdigest(),
                "descriptor": [float(v) for v in d_pipe],
                "descriptor_norm": float(np.linalg.norm(d_pipe)),
            })
            all_faces.append(("%s#%d" % (name, i), d_pipe))
            chips_by_key[(path, i)] = chip
        doc["images"][name] = {"path": path, "width": int(img.shape[1]), "height": int(img.shape[0]),
                               "faces": faces}
        print(name, img.shape, "faces", len(faces), [f["hog_rect_ltrb"] for f in faces], flush=True)

    labels = [k for k, _ in all_faces]
    D = np.array([[float(np.linalg.norm(a - b)) for _, b in all_faces] for _, a in all_faces])
    doc["pairwise"] = {
        "labels": labels,
        "distance": [[float(v) for v in row] for row in D],
        "same_person": [[bool(v <= TOLERANCE) for v in row] for row in D],
    }
    # check against face_recognition.compare_faces
    for i, (_, a) in enumerate(all_faces):
        verdict = face_recognition.compare_faces([b for _, b in all_faces], a, tolerance=TOLERANCE)
        assert list(map(bool, verdict)) == doc["pairwise"]["same_person"][i]

    # cross-check with the shared chip fixtures
    exp = json.load(open(os.path.join(CHIPS, "expected.json")))
    checks = []
    for c in exp["chips"]:
        src = os.path.normpath(os.path.join(CHIPS, c["source_image"]))
        src = src.replace("/work/shared/fixtures/shared/", "/work/shared/")
        if not os.path.exists(src):
            src = os.path.join("/work/shared/data", *c["source_image"].split("/")[-2:])
        name = os.path.basename(src)
        face = doc["images"][name]["faces"][c["face_index"]]
        mine = chips_by_key[(doc["images"][name]["path"], c["face_index"])]
        theirs = np.asarray(Image.open(os.path.join(CHIPS, c["chip"])).convert("RGB"))
        same_chip = bool(np.array_equal(mine, theirs))
        dmax = float(np.max(np.abs(np.array(face["descriptor"]) - np.array(c["descriptor"]))))
        ok = (same_chip and dmax < 1e-4 and face["hog_rect_ltrb"] == c["hog_rect_ltrb"]
              and face["landmarks5_xy"] == c["landmarks5_xy"])
        checks.append({"chip": c["chip"], "image": name, "face_index": c["face_index"], "chip_identical": same_chip,
                       "descriptor_max_abs_diff": dmax, "rect_and_landmarks_equal": face["hog_rect_ltrb"] ==
                       c["hog_rect_ltrb"] and face["landmarks5_xy"] == c["landmarks5_xy"],
                       "angle_diff": abs(face["chip_angle_rad"] - c["chip_angle_rad"]),
                       "pyramid_levels_equal": face["pyramid_levels_used"] == c["pyramid_levels_used"]})
        print("cross-check", checks[-1], flush=True)
        assert ok, checks[-1]
    doc["cross_check_shared_dlib_chips"] = checks

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    print("faces", len(all_faces), "wrote", OUT, os.path.getsize(OUT))


if __name__ == "__main__":
    sys.exit(main())
