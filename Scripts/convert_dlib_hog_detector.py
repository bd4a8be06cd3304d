#!/usr/bin/env python3
"""Write dlib's built-in frontal face detector (HOG + linear SVM) as a serialized file.

Run in the dlib venv (dlib 20.0.1):
    /work/venvs/dlib/bin/python Scripts/convert_dlib_hog_detector.py

dlib.get_frontal_face_detector() builds an object_detector<scan_fhog_pyramid<pyramid_down<6>>>
from the model compiled into dlib (dlib/image_processing/frontal_face_detector.h); .save() writes
it with dlib's serialize(). Output: Sources/FaceNets/Resources/dlib_frontal_face_detector.svm.
The script prints the file's size and sha256 (recorded in DLIB_HOG_DETECTOR.md).
"""
import hashlib
import os
import sys
import tempfile

import dlib

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(REPO, "Sources", "FaceNets", "Resources", "dlib_frontal_face_detector.svm")


def main():
    detector = dlib.get_frontal_face_detector()
    folder = os.path.dirname(OUT)
    # Write next to the target, then rename: never a partial output file.
    handle, temporary = tempfile.mkstemp(dir=folder, suffix=".tmp")
    os.close(handle)
    try:
        detector.save(temporary)
        os.replace(temporary, OUT)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
    with open(OUT, "rb") as f:
        data = f.read()
    print(f"dlib {dlib.__version__}: {OUT}")
    print(f"  {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    print(f"  {detector.num_detectors} filters, window "
          f"{detector.detection_window_width}x{detector.detection_window_height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
