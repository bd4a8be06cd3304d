import FaceNets
// libFuzzer target: MTCNN weights in HDF5 (`MTCNN(weightsAt:)`, the layout the repository's
// converted `mtcnn_weights.h5` has).
import FuzzSupport

/// libFuzzer's entry point: loads the `size` bytes at `data`, written to a scratch `.h5` file, as
/// MTCNN weights and discards the result or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  FuzzInput.withFile(data, size, suffix: ".h5") { url in
    _ = try? MTCNN(weightsAt: url)
  }
  return 0
}
