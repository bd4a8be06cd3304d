import FaceNets
// libFuzzer target: dlib's shape predictor `.dat` reader
// (`DlibShapePredictor(bytes:fileName:checksum:)`, checksum skipped).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibShapePredictor(
    bytes: FuzzInput.bytes(data, size), fileName: "fuzz.dat", checksum: .skip)
  return 0
}
