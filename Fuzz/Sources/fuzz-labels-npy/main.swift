import FaceNets
// libFuzzer target: class labels from a NumPy `.npy` file (`ClassLabels(contentsOf:)`).
import FuzzSupport

/// libFuzzer's entry point: loads the `size` bytes at `data`, written to a scratch `.npy` file, as
/// class labels and discards the labels or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  FuzzInput.withFile(data, size, suffix: ".npy") { url in _ = try? ClassLabels(contentsOf: url) }
  return 0
}
