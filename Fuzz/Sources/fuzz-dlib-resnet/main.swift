import FaceNets
// libFuzzer target: dlib's face-recognition ResNet `.dat` reader
// (`DlibResNetDescription(bytes:fileName:checksum:)`, with the checksum skipped so that mutated
// files reach the parser).
import FuzzSupport

/// libFuzzer's entry point: parses the `size` bytes at `data` as a dlib ResNet `.dat` file
/// (checksum skipped) and discards the result or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibResNetDescription(
    bytes: FuzzInput.bytes(data, size), fileName: "fuzz.dat", checksum: .skip)
  return 0
}
