import FaceNets
// libFuzzer target: dlib's shape predictor `.dat` reader
// (`DlibShapePredictor(bytes:fileName:checksum:)`, checksum skipped).
import FuzzSupport

/// libFuzzer's entry point: parses the `size` bytes at `data` as a dlib shape predictor `.dat`
/// file (checksum skipped) and discards the result or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibShapePredictor(
    bytes: FuzzInput.bytes(data, size), fileName: "fuzz.dat", checksum: .skip)
  return 0
}
