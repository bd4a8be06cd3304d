import FaceNets
// libFuzzer target: a Keras 2 weights file mapped onto keras-vggface's ResNet-50
// (`VGGFaceModel(architecture:contentsOf:)`: HDF5 reading, the layer/weight-name layout, the
// shape checks against the architecture).
import FuzzSupport

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
  FuzzInput.withFile(data, size, suffix: ".h5") { url in
    _ = try? VGGFaceModel(architecture: .resnet50, contentsOf: url)
  }
  return 0
}
