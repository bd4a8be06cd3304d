import FaceNets
// libFuzzer target: dlib's HOG face detector reader (`DlibHOGFaceDetector(bytes:fileName:)`,
// the format `dlib.get_frontal_face_detector().save()` writes).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibHOGFaceDetector(bytes: FuzzInput.bytes(data, size), fileName: "fuzz.svm")
  return 0
}
