import FaceNets
// libFuzzer target: dlib's HOG face detector reader (`DlibHOGFaceDetector(bytes:fileName:)`,
// the format `dlib.get_frontal_face_detector().save()` writes).
import FuzzSupport

/// libFuzzer's entry point: parses the `size` bytes at `data` as a dlib HOG face detector file
/// and discards the result or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibHOGFaceDetector(bytes: FuzzInput.bytes(data, size), fileName: "fuzz.svm")
  return 0
}
