import FaceNets
// libFuzzer target: dlib's face-recognition ResNet `.dat` reader
// (`DlibResNetDescription(bytes:fileName:checksum:)`, with the checksum skipped so that mutated
// files reach the parser).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  _ = try? DlibResNetDescription(
    bytes: FuzzInput.bytes(data, size), fileName: "fuzz.dat", checksum: .skip)
  return 0
}
