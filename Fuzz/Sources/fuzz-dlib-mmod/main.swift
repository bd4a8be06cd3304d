import FaceNets
// libFuzzer target: dlib's CNN face detector `.dat` reader
// (`DlibMMODDescription(bytes:fileName:checksum:)`, with the checksum skipped so that mutated
// files reach the parser).
import FuzzSupport

/// libFuzzer's entry point: parses the `size` bytes at `data` as dlib's MMOD face detector
/// `.dat` file (checksum skipped) and discards the result or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibMMODDescription(
    bytes: FuzzInput.bytes(data, size), fileName: "fuzz.dat", checksum: .skip)
  return 0
}
