#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs them.
#   Fuzz/fuzz.sh run [TARGET...]     fuzz each target for $FUZZ_SECONDS (default 60) seconds, or
#                                    until $FUZZ_RUNS inputs (default: no limit) if that comes first
#   Fuzz/fuzz.sh smoke [TARGET...]   replay the seeds, the committed corpus and every kept crash
#                                    input once (exits non-zero if any of them fails)
# Seeds are the repository's own files (test fixtures, shipped resources, the first 64 KiB of
# the installed dlib models); Fuzz/Corpus/<target>/ holds committed inputs, Fuzz/Regressions/
# <target>/ every crash input found so far. New corpus entries and artifacts go under
# Fuzz/.build/. Bounds: -malloc_limit_mb=512 (no allocation over 512 MB), -rss_limit_mb=2048,
# -timeout=10 (seconds per input).
set -euo pipefail
cd "$(dirname "$0")"
mode=${1:?usage: Fuzz/fuzz.sh run|smoke [TARGET...]}
shift
all=(fuzz-png fuzz-jpeg fuzz-keras-h5 fuzz-mtcnn-h5 fuzz-labels-npy fuzz-labels-json
     fuzz-dlib-resnet fuzz-dlib-shape-predictor fuzz-dlib-hog fuzz-dlib-mmod)
targets=("$@")
[ $# -eq 0 ] && targets=("${all[@]}")
models=${FACEADVERSARY_MODELS:-$HOME/.local/share/faceadversary/models}

# --sanitize=fuzzer instruments this package's own targets only: the coverage flags instrument
# FaceAdversary's Swift modules and C shims too (libpng, libjpeg and libhdf5 stay uninstrumented).
build=(swift build -c release --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -Xcc -fsanitize=fuzzer-no-link)
"${build[@]}"
bin=$("${build[@]}" --show-bin-path)

# The repository files each target starts from.
seeds_of() {
  local root=..
  case $1 in
    fuzz-png) ls $root/Tests/FaceTensorTests/Fixtures/images/*.png ;;
    fuzz-jpeg) ls $root/Tests/FaceTensorTests/Fixtures/images/*.jpg ;;
    fuzz-keras-h5) echo $root/Tests/FaceNetsTests/Fixtures/vggface/slim_resnet50_notop.h5 ;;
    fuzz-mtcnn-h5) echo $root/Sources/FaceNets/Resources/mtcnn_weights.h5 ;;
    fuzz-labels-npy) ls $root/Tests/FaceNetsTests/Fixtures/vggface/*.npy ;;
    fuzz-labels-json) ;;
    fuzz-dlib-resnet) echo "$models/dlib_face_recognition_resnet_model_v1.dat" ;;
    fuzz-dlib-shape-predictor) echo "$models/shape_predictor_5_face_landmarks.dat" ;;
    fuzz-dlib-hog) echo $root/Sources/FaceNets/Resources/dlib_frontal_face_detector.svm ;;
    fuzz-dlib-mmod) echo "$models/mmod_human_face_detector.dat" ;;
  esac
}

export LSAN_OPTIONS="suppressions=$PWD/lsan.supp:print_suppressions=0"
# libhdf5 is built without frame pointers: the fast unwinder stops at its first frame, too early
# for lsan.supp to tell libhdf5's own leaks from a buffer of its that this project failed to free.
# The DWARF unwinder sees the whole stack (it halves the PNG target's speed).
export ASAN_OPTIONS="fast_unwind_on_malloc=0"
status=0
for target in "${targets[@]}"; do
  work=.build/fuzz/$target
  mkdir -p "$work/seeds" "$work/corpus" "$work/artifacts" "Corpus/$target" "Regressions/$target"
  for seed in $(seeds_of "$target"); do
    [ -f "$seed" ] || { echo "$target: seed $seed is missing (run make setup)"; exit 2; }
    # The dlib models are MBs of weights: their first 64 KiB hold the header and first layers
    # (the CNN face detector's: options, input layer and six of 19 layers, every layer kind; as
    # in 128 KiB). Seeded whole (730 KB), it ran 113 inputs/s and found 277 edges in 60 s here;
    # 64 KiB ran 501/s and found 301.
    case $seed in
      *.dat) head -c 65536 "$seed" > "$work/seeds/$(basename "$seed")" ;;
      *) cp "$seed" "$work/seeds/" ;;
    esac
  done
  flags=(-malloc_limit_mb=512 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
         -artifact_prefix="$work/artifacts/")
  dirs=("$work/corpus" "$work/seeds" "Corpus/$target" "Regressions/$target")
  echo "### $target ($mode)"
  if [ "$mode" = smoke ]; then
    run=(-runs=0)
  else
    run=(-max_total_time="${FUZZ_SECONDS:-60}" -runs="${FUZZ_RUNS:--1}")
  fi
  if [ "$mode" = smoke ] && ! LSAN_OPTIONS="suppressions=$PWD/lsan-valid-inputs.supp" \
      "$bin/$target" "${flags[@]}" -runs=0 "$work/seeds" > "$work/log" 2>&1; then
    grep -E "ERROR|SUMMARY" "$work/log" || tail -20 "$work/log"
    echo "$target: FAILED on a valid seed file with libhdf5's error-path suppressions off (log: Fuzz/$work/log)"
    status=1
    continue
  fi
  if "$bin/$target" "${flags[@]}" "${run[@]}" "${dirs[@]}" > "$work/log" 2>&1; then
    grep -E "INITED|DONE|stat::" "$work/log" || true
  else
    grep -E "INITED|ERROR|SUMMARY|Test unit written" "$work/log" || tail -20 "$work/log"
    echo "$target: FAILED (log: Fuzz/$work/log, inputs kept in Fuzz/$work/artifacts/)"
    status=1
  fi
done
exit $status
