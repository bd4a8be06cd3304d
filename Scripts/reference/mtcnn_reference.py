#!/usr/bin/env python3
"""Reference MTCNN detections from mtcnn==0.1.1 (Keras/TensorFlow 2.15), plus per-stage debug data.

Run in the tf venv (see Scripts/reference/README.md):
    /work/venvs/tf/bin/python Scripts/reference/mtcnn_reference.py

For every *.jpg/*.jpeg/*.png in /work/shared/data/faces and /work/shared/data/seed:
  img = np.asarray(PIL.Image.open(p).convert('RGB'))   # uint8 HxWx3 RGB
  faces = MTCNN().detect_faces(img)                      # package defaults

Writes
  Tests/FaceNetsTests/Fixtures/mtcnn/detections.json  -- exactly what detect_faces returns (full precision)
  Tests/FaceNetsTests/Fixtures/mtcnn/stages.json      -- scales and candidate boxes per stage (4 decimals)

The stage data is produced by re-running the package's own private helpers
(_MTCNN__scale_image, _MTCNN__generate_bounding_box, _MTCNN__nms, _MTCNN__rerec, _MTCNN__pad,
_MTCNN__bbreg and the networks) in exactly the order of mtcnn.py's __stage1/__stage2/__stage3,
and the script asserts that this instrumented run gives the same boxes as detect_faces.
"""
import glob
import hashlib
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from PIL import Image  # noqa: E402

import mtcnn  # noqa: E402
from mtcnn import MTCNN  # noqa: E402

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT_DIR = os.path.join(REPO, "Tests", "FaceNetsTests", "Fixtures", "mtcnn")
IMAGE_DIRS = ["/work/shared/data/faces", "/work/shared/data/seed"]

tf.random.set_seed(0)
np.random.seed(0)


def list_images():
    paths = []
    for d in IMAGE_DIRS:
        for p in sorted(os.listdir(d)):
            if p.lower().endswith((".jpg", ".jpeg", ".png")):
                paths.append(os.path.join(d, p))
    names = [os.path.basename(p) for p in paths]
    assert len(set(names)) == len(names), "file names must be unique across folders"
    return paths


def load_rgb(path):
    return np.asarray(Image.open(path).convert("RGB"))


def r4(a):
    """Round to 4 decimals for the debug JSON (lists of lists)."""
    a = np.asarray(a, dtype=np.float64)
    return np.round(a, 4).tolist()


def predict(model, x):
    # identical call to the package (Model.predict, default batch size 32)
    return model.predict(x, verbose=0)


class Instrumented:
    """Re-runs detect_faces step by step with the package's own helpers, recording the stages."""

    def __init__(self, det: MTCNN):
        self.d = det
        C = MTCNN
        self.scale_image = C._MTCNN__scale_image
        self.gen_bb = C._MTCNN__generate_bounding_box
        self.nms = C._MTCNN__nms
        self.rerec = C._MTCNN__rerec
        self.pad = C._MTCNN__pad
        self.bbreg = C._MTCNN__bbreg

    def run(self, img):
        d = self.d
        rec = {}
        height, width, _ = img.shape
        m = 12 / d._min_face_size
        min_layer = np.amin([height, width]) * m
        scales = d._MTCNN__compute_scale_pyramid(m, min_layer)
        rec["m"] = m
        rec["scales"] = [float(s) for s in scales]

        # ---------------- stage 1 (P-Net) ----------------
        total_boxes = np.empty((0, 9))
        per_scale = []
        for scale in scales:
            # what __scale_image feeds cv2.resize, recomputed to fingerprint the uint8 resize result
            ws, hs = int(np.ceil(width * scale)), int(np.ceil(height * scale))
            resized_u8 = cv2.resize(img, (ws, hs), interpolation=cv2.INTER_AREA)
            scaled_image = self.scale_image(img, scale)
            assert np.array_equal(scaled_image, (resized_u8 - 127.5) * 0.0078125)
            img_x = np.expand_dims(scaled_image, 0)
            img_y = np.transpose(img_x, (0, 2, 1, 3))
            out = predict(d._pnet, img_y)
            out0 = np.transpose(out[0], (0, 2, 1, 3))
            out1 = np.transpose(out[1], (0, 2, 1, 3))
            boxes, _ = self.gen_bb(out1[0, :, :, 1].copy(), out0[0, :, :, :].copy(), scale, d._steps_threshold[0])
            n_raw = int(boxes.shape[0])
            ties = int(boxes.shape[0] - np.unique(boxes[:, 4]).shape[0]) if boxes.size else 0
            pick = self.nms(boxes.copy(), 0.5, "Union")
            kept = 0
            if boxes.size > 0 and pick.size > 0:
                boxes = boxes[pick, :]
                kept = int(boxes.shape[0])
                total_boxes = np.append(total_boxes, boxes, axis=0)
            per_scale.append({
                "scale": float(scale),
                "scaled_wh": [ws, hs],
                "scaled_uint8_sha256": hashlib.sha256(np.ascontiguousarray(resized_u8).tobytes()).hexdigest(),
                "pnet_output_hw": [int(out1.shape[1]), int(out1.shape[2])],
                "candidates_ge_threshold": n_raw,
                "single_candidate_flipud_quirk": n_raw == 1,
                "equal_score_pairs": ties,
                "after_scale_nms": kept,
            })
        rec["stage1_per_scale"] = per_scale
        rec["stage1_all_scales_before_nms"] = int(total_boxes.shape[0])

        status = None
        s1 = {}
        if total_boxes.shape[0] > 0:
            pick = self.nms(total_boxes.copy(), 0.7, "Union")
            total_boxes = total_boxes[pick, :]
            # columns: x1 y1 x2 y2 score dx1 dy1 dx2 dy2
            s1["after_cross_scale_nms"] = r4(total_boxes)
            regw = total_boxes[:, 2] - total_boxes[:, 0]
            regh = total_boxes[:, 3] - total_boxes[:, 1]
            qq1 = total_boxes[:, 0] + total_boxes[:, 5] * regw
            qq2 = total_boxes[:, 1] + total_boxes[:, 6] * regh
            qq3 = total_boxes[:, 2] + total_boxes[:, 7] * regw
            qq4 = total_boxes[:, 3] + total_boxes[:, 8] * regh
            total_boxes = np.transpose(np.vstack([qq1, qq2, qq3, qq4, total_boxes[:, 4]]))
            total_boxes = self.rerec(total_boxes.copy())
            total_boxes[:, 0:4] = np.fix(total_boxes[:, 0:4]).astype(np.int32)
            s1["output"] = r4(total_boxes)
            status = self.pad(total_boxes.copy(), width, height)
        else:
            s1["after_cross_scale_nms"] = []
            s1["output"] = []
        rec["stage1"] = s1

        # compare with the package's own stage 1
        pkg_scales_status = d._MTCNN__stage1(img, scales, mtcnn.mtcnn.StageStatus(width=width, height=height))
        assert np.array_equal(pkg_scales_status[0], total_boxes), "stage1 mismatch"

        # ---------------- stage 2 (R-Net) ----------------
        s2 = {}
        if total_boxes.shape[0] > 0:
            dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph = status
            num_boxes = total_boxes.shape[0]
            tempimg = np.zeros(shape=(24, 24, 3, num_boxes))
            for k in range(num_boxes):
                tmp = np.zeros((int(tmph[k]), int(tmpw[k]), 3))
                tmp[dy[k] - 1:edy[k], dx[k] - 1:edx[k], :] = img[y[k] - 1:ey[k], x[k] - 1:ex[k], :]
                if tmp.shape[0] > 0 and tmp.shape[1] > 0 or tmp.shape[0] == 0 and tmp.shape[1] == 0:
                    tempimg[:, :, :, k] = cv2.resize(tmp, (24, 24), interpolation=cv2.INTER_AREA)
                else:
                    raise RuntimeError("empty crop path (package returns no faces) - not expected here")
            tempimg = (tempimg - 127.5) * 0.0078125
            tempimg1 = np.transpose(tempimg, (3, 1, 0, 2))
            out = predict(d._rnet, tempimg1)
            out0 = np.transpose(out[0])
            out1 = np.transpose(out[1])
            score = out1[1, :]
            s2["rnet_scores_all"] = r4(score)
            ipass = np.where(score > d._steps_threshold[1])
            total_boxes = np.hstack([total_boxes[ipass[0], 0:4].copy(), np.expand_dims(score[ipass].copy(), 1)])
            mv = out0[:, ipass[0]]
            s2["passed_threshold"] = int(total_boxes.shape[0])
            if total_boxes.shape[0] > 0:
                pick = self.nms(total_boxes, 0.7, "Union")
                total_boxes = total_boxes[pick, :]
                # x1 y1 x2 y2 score dx1 dy1 dx2 dy2 (boxes = stage-1 output boxes, before regression)
                s2["after_nms_before_regression"] = r4(np.hstack([total_boxes, np.transpose(mv[:, pick])]))
                total_boxes = self.bbreg(total_boxes.copy(), np.transpose(mv[:, pick]))
                s2["after_regression"] = r4(total_boxes)
                total_boxes = self.rerec(total_boxes.copy())
            s2["output"] = r4(total_boxes)
        rec["stage2"] = s2

        # ---------------- stage 3 (O-Net) ----------------
        s3 = {}
        points = np.empty(shape=(0,))
        if total_boxes.shape[0] > 0:
            num_boxes = total_boxes.shape[0]
            total_boxes = np.fix(total_boxes).astype(np.int32)
            s3["input_int_boxes"] = total_boxes[:, 0:4].tolist()
            dy, edy, dx, edx, y, ey, x, ex, tmpw, tmph = self.pad(total_boxes.copy(), width, height)
            tempimg = np.zeros((48, 48, 3, num_boxes))
            for k in range(num_boxes):
                tmp = np.zeros((int(tmph[k]), int(tmpw[k]), 3))
                tmp[dy[k] - 1:edy[k], dx[k] - 1:edx[k], :] = img[y[k] - 1:ey[k], x[k] - 1:ex[k], :]
                if tmp.shape[0] > 0 and tmp.shape[1] > 0 or tmp.shape[0] == 0 and tmp.shape[1] == 0:
                    tempimg[:, :, :, k] = cv2.resize(tmp, (48, 48), interpolation=cv2.INTER_AREA)
                else:
                    raise RuntimeError("empty crop path - not expected here")
            tempimg = (tempimg - 127.5) * 0.0078125
            tempimg1 = np.transpose(tempimg, (3, 1, 0, 2))
            out = predict(d._onet, tempimg1)
            out0 = np.transpose(out[0])
            out1 = np.transpose(out[1])
            out2 = np.transpose(out[2])
            score = out2[1, :]
            s3["onet_scores_all"] = r4(score)
            points = out1
            ipass = np.where(score > d._steps_threshold[2])
            points = points[:, ipass[0]]
            total_boxes = np.hstack([total_boxes[ipass[0], 0:4].copy(), np.expand_dims(score[ipass].copy(), 1)])
            mv = out0[:, ipass[0]]
            s3["passed_threshold_before_regression"] = r4(np.hstack([total_boxes, np.transpose(mv)]))
            w = total_boxes[:, 2] - total_boxes[:, 0] + 1
            h = total_boxes[:, 3] - total_boxes[:, 1] + 1
            points[0:5, :] = np.tile(w, (5, 1)) * points[0:5, :] + np.tile(total_boxes[:, 0], (5, 1)) - 1
            points[5:10, :] = np.tile(h, (5, 1)) * points[5:10, :] + np.tile(total_boxes[:, 1], (5, 1)) - 1
            if total_boxes.shape[0] > 0:
                total_boxes = self.bbreg(total_boxes.copy(), np.transpose(mv))
                s3["after_regression"] = r4(total_boxes)
                pick = self.nms(total_boxes.copy(), 0.7, "Min")
                total_boxes = total_boxes[pick, :]
                points = points[:, pick]
            s3["output"] = r4(total_boxes)
            s3["output_points_x5y5"] = r4(points.T) if points.size else []
        rec["stage3"] = s3
        return rec, total_boxes, points


def resize_examples():
    """Small cv2.resize(INTER_AREA) cases covering the code paths MTCNN uses (uint8 pyramid levels,
    float64 crops for R-Net/O-Net), to unit-test a port of OpenCV's INTER_AREA."""
    rng = np.random.RandomState(7)
    cases = []
    specs = [
        ("uint8_down_area_generic", np.uint8, (11, 9), (7, 5)),      # (H, W) -> (H, W)
        ("uint8_down_area_fast_x2", np.uint8, (10, 8), (5, 4)),
        ("uint8_down_pyramid_like", np.uint8, (23, 19), (14, 12)),   # ceil(19*0.6)=12, ceil(23*0.6)=14
        ("float64_down_both", np.float64, (17, 13), (11, 9)),
        ("float64_up_both", np.float64, (7, 5), (12, 10)),
        ("float64_mixed_h_down_w_up", np.float64, (15, 6), (12, 10)),
        ("float64_up_crop_like", np.float64, (11, 10), (24, 24)),   # a 20-px P-Net box is < 24: enlarged
    ]
    for name, dtype, (h, w), (oh, ow) in specs:
        src = rng.randint(0, 256, size=(h, w, 3)).astype(dtype)
        dst = cv2.resize(src, (ow, oh), interpolation=cv2.INTER_AREA)
        cases.append({
            "name": name, "dtype": np.dtype(dtype).name,
            "src_shape_hwc": [h, w, 3], "dst_shape_hwc": [oh, ow, 3],
            "src": src.astype(np.int64).ravel().tolist(),
            "dst": (dst.astype(np.int64).ravel().tolist() if dtype == np.uint8 else
                    [float(v) for v in dst.ravel()]),
        })
    return {"about": "cv2.resize(src, (dst_w, dst_h), interpolation=cv2.INTER_AREA), opencv " + cv2.__version__ +
                     "; src/dst flat row-major HxWx3; float64 sources hold integer values like the package's crops",
            "cases": cases}


def face_to_json(face):
    return {
        "box": [int(v) for v in face["box"]],
        "confidence": float(face["confidence"]),
        "keypoints": {k: [int(v[0]), int(v[1])] for k, v in face["keypoints"].items()},
    }


def main():
    det = MTCNN()
    inst = Instrumented(det)
    detections = {
        "about": "mtcnn==0.1.1 MTCNN() defaults (min_face_size 20, scale_factor 0.709, thresholds 0.6/0.7/0.7), "
                 "tensorflow-cpu 2.15.1. Image decoding: np.asarray(PIL.Image.open(p).convert('RGB')) uint8 HxWx3. "
                 "faces = detect_faces(img) in the package's order; box [x, y, w, h] ints; confidence float64 repr of the "
                 "float32 O-Net probability; keypoints [x, y] ints. raw_box_x1y1x2y2 and raw_keypoints are the float64 values "
                 "before the package's int() conversion (extra, for debugging).",
        "generated_by": "Scripts/reference/mtcnn_reference.py",
        "versions": {"mtcnn": "0.1.1", "tensorflow": tf.__version__, "numpy": np.__version__, "opencv": cv2.__version__,
                     "pillow": Image.__version__},
        "images": {},
    }
    stages = {
        "about": "Debugging data for the MTCNN port, rounded to 4 decimals. Produced by re-running mtcnn 0.1.1's own "
                 "private helpers in the order of detect_faces (asserted equal to detect_faces). Box rows are "
                 "[x1, y1, x2, y2, score(, dx1, dy1, dx2, dy2)] in image pixels. scaled_uint8_sha256 is the sha256 of the "
                 "raw bytes (row-major HxWx3 RGB uint8) of cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA) for that "
                 "pyramid level. stage1.output = after cross-scale NMS(0.7 Union), regression (w = x2-x1, no +1), rerec, "
                 "np.fix. stage2.output = after R-Net threshold (> 0.7), NMS(0.7 Union), bbreg (+1 widths), rerec (floats). "
                 "stage3.output = final boxes (after O-Net threshold > 0.7, bbreg, NMS(0.7 Min)); output_points_x5y5 = "
                 "[x_le, x_re, x_n, x_ml, x_mr, y_le, y_re, y_n, y_ml, y_mr] per face.",
        "generated_by": "Scripts/reference/mtcnn_reference.py",
        "images": {},
    }
    for path in list_images():
        name = os.path.basename(path)
        img = load_rgb(path)
        faces = det.detect_faces(img)
        rec, tb, pts = inst.run(img)
        # the instrumented run must reproduce detect_faces exactly
        assert len(faces) == (tb.shape[0] if tb.size else 0), (name, len(faces), tb.shape)
        raw = []
        for i, f in enumerate(faces):
            bb = tb[i]
            assert f["confidence"] == bb[-1]
            x = max(0, int(bb[0]))
            y = max(0, int(bb[1]))
            assert f["box"] == [x, y, int(bb[2] - x), int(bb[3] - y)], (name, f["box"], bb)
            k = pts[:, i]
            assert f["keypoints"]["left_eye"] == (int(k[0]), int(k[5]))
            raw.append((bb, k))
        detections["images"][name] = {
            "path": path,
            "width": int(img.shape[1]),
            "height": int(img.shape[0]),
            "faces": [dict(face_to_json(f), raw_box_x1y1x2y2=[float(v) for v in bb[0:4]],
                           raw_keypoints={"x": [float(v) for v in k[0:5]], "y": [float(v) for v in k[5:10]]})
                      for f, (bb, k) in zip(faces, raw)],
        }
        stages["images"][name] = dict(width=int(img.shape[1]), height=int(img.shape[0]), **rec)
        print(name, img.shape, "faces:", len(faces), [f["box"] for f in faces], flush=True)

    stages["cv2_resize_inter_area_examples"] = resize_examples()
    os.makedirs(OUT_DIR, exist_ok=True)
    with open(os.path.join(OUT_DIR, "detections.json"), "w") as f:
        json.dump(detections, f, indent=1)
        f.write("\n")
    with open(os.path.join(OUT_DIR, "stages.json"), "w") as f:
        json.dump(stages, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
