import ArgumentParser

/// `--approximate-alignment`: what dlib's recognizer does without its shape predictor
/// (`embed`, `verify`, `attack`).
struct AlignmentOption: ParsableArguments {
  @Flag(
    help: ArgumentHelp(
      "dlib: without shape_predictor_5_face_landmarks.dat, align faces from MTCNN's landmarks.",
      discussion:
        "The descriptors then differ from dlib's by about 0.1. Without this flag a missing "
        + "shape predictor is an error (exit 2)."))
  var approximateAlignment = false
}
