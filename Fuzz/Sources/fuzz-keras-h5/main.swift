import FaceNets
// libFuzzer target: a Keras 2 weights file mapped onto keras-vggface's ResNet-50
// (`VGGFaceModel(architecture:contentsOf:)`: HDF5 reading, the layer/weight-name layout, the
// shape checks against the architecture).
import FuzzSupport

/// libFuzzer's entry point: loads the `size` bytes at `data`, written to a scratch `.h5` file, as
/// keras-vggface ResNet-50 weights and discards the model or the thrown error; always returns 0.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  FuzzInput.withFile(data, size, suffix: ".h5") { url in
    _ = try? VGGFaceModel(architecture: .resnet50, contentsOf: url)
  }
  return 0
}
