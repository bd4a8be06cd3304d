import FaceNets
// libFuzzer target: class labels from a NumPy `.npy` file (`ClassLabels(contentsOf:)`).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  FuzzInput.withFile(data, size, suffix: ".npy") { url in _ = try? ClassLabels(contentsOf: url) }
  return 0
}
