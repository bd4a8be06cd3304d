import FaceTensor
import Foundation

/// A keras-vggface recognizer (ResNet-50, SE-ResNet-50 or VGG-16) with its weights, taking RGB
/// pixels and giving class logits, probabilities and feature vectors, with gradients back to the
/// pixels.
///
/// Inputs are RGB images `[N, 224, 224, 3]` (NHWC) on the 0...255 scale, as floats; the model
/// applies keras-vggface's `preprocess_input` itself (`VGGFacePreprocessing`: to BGR, minus the
/// training means), so every gradient is with respect to those RGB pixels. Rows of a batch are
/// independent (BatchNorm is frozen).
///
/// Built from a Keras 2 weights file (`rcmalli_vggface_tf_*.h5`), full or "notop": the widths and
/// the class count come from the file, so smaller models with the same layer names load too.
///
/// NOTE: by default every BatchNorm is folded into the convolution before it
/// (`Conv2D.folding(_:)`), which saves a pass over each activation. This changes only Float
/// rounding: on the slim test models the logits move by about 1e-6 relative, far below the 1e-4
/// agreement with Keras (see VGGFaceParityTests). `foldingBatchNorm: false` keeps Keras's layer
/// structure.
public struct VGGFaceModel: Sendable {
  /// Which keras-vggface architecture this is.
  public let architecture: VGGFaceArchitecture
  /// The graph, its layers named as in the weights file (`conv1/7x7_s2`, `classifier`, ...).
  ///
  /// Input RGB `[N, 224, 224, 3]` in 0...255; outputs `[logits [N, classCount], features
  /// [N, featureCount]]` with a classifier, `[features]` without.
  public let network: Network
  /// The number of classes (8,631 for the VGGFace2 models, 2,622 for VGG-16), or nil for a
  /// "notop" file without the classifier.
  public let classCount: Int?
  /// The length of the feature vector: the classifier's input for the ResNets (2048 at full
  /// size); for VGG-16 the fc7 output (4096) with the classifier, pool5 averaged (512) without.
  public let featureCount: Int
  /// Whether the BatchNorms are folded into the convolutions.
  public let foldsBatchNorm: Bool

  /// The model in the Keras 2 weights file at `url`.
  /// - Parameters:
  ///   - architecture: the architecture the file was saved from.
  ///   - foldingBatchNorm: fold each BatchNorm into its convolution (faster; see the type's note).
  /// - Throws: `WeightLoadingError`: the file cannot be read, is not a Keras weights file, or its
  ///   weights are missing, extra or mis-shaped for `architecture` (all of them listed).
  public init(
    architecture: VGGFaceArchitecture, contentsOf url: URL, foldingBatchNorm: Bool = true
  ) throws(WeightLoadingError) {
    try self.init(
      architecture: architecture, weights: KerasWeightsFile(contentsOf: url),
      foldingBatchNorm: foldingBatchNorm)
  }

  /// The model with the weights of `weights`, each read from the file once its shape is checked.
  /// - Throws: `WeightLoadingError.mismatch` listing every missing, extra or mis-shaped weight.
  public init(
    architecture: VGGFaceArchitecture, weights: consuming KerasWeightsFile,
    foldingBatchNorm: Bool = true
  ) throws(WeightLoadingError) {
    let loader = KerasWeightLoader(consume weights)
    let graph: VGGFaceGraph
    switch architecture {
    case .resnet50, .senet50:
      graph = try VGGFaceResNetBuilder(
        architecture: architecture, loader: loader, foldingBatchNorm: foldingBatchNorm
      ).build()
    case .vgg16:
      graph = try VGGFaceVGG16Builder(loader: loader).build()
    }
    self.architecture = architecture
    network = graph.network
    classCount = graph.classCount
    featureCount = graph.featureCount
    foldsBatchNorm = foldingBatchNorm && architecture != .vgg16
  }

  // MARK: - Inference

  /// Class logits (the classifier's output before the softmax), `[N, classCount]`.
  /// - Parameter images: RGB `[N, 224, 224, 3]` in 0...255.
  /// - Precondition: the model has a classifier; `images` has that shape.
  public func logits(for images: Tensor) -> Tensor {
    precondition(
      classCount != nil, "[VGGFaceModel] a \(architecture) notop model has no classifier")
    return network(checked(images))[0]
  }

  /// Class probabilities, the softmax of the logits (keras-vggface's output), `[N, classCount]`.
  /// - Parameter images: RGB `[N, 224, 224, 3]` in 0...255.
  /// - Precondition: the model has a classifier; `images` has that shape.
  public func probabilities(for images: Tensor) -> Tensor { logits(for: images).softmax() }

  /// Feature vectors `[N, featureCount]` (see `featureCount`).
  /// - Parameter images: RGB `[N, 224, 224, 3]` in 0...255.
  public func features(for images: Tensor) -> Tensor {
    let outputs = network(checked(images))
    return outputs[outputs.count - 1]
  }

  // MARK: - Gradients

  /// Logits `[N, classCount]` and the pullback from `∂L/∂logits` to `∂L/∂images`.
  ///
  /// The pullback maps `[N, classCount]` to `[N, 224, 224, 3]` (RGB 0...255 pixels). Only input
  /// gradients are computed (no parameter gradients), as an attack needs.
  /// - Precondition: the model has a classifier; `images` has the input shape.
  public func logitsWithPullback(for images: Tensor) -> (
    logits: Tensor, pullback: (Tensor) -> Tensor
  ) {
    precondition(
      classCount != nil, "[VGGFaceModel] a \(architecture) notop model has no classifier")
    let (outputs, pullback) = network.valueWithPullback(at: checked(images), scope: .input)
    let count = outputs.count
    return (
      outputs[0],
      { dLogits in pullback([dLogits] + [Tensor?](repeating: nil, count: count - 1)).input }
    )
  }

  /// Features `[N, featureCount]` and the pullback from `∂L/∂features` to `∂L/∂images` (RGB
  /// 0...255 pixels); input gradients only.
  /// - Precondition: `images` has the input shape.
  public func featuresWithPullback(for images: Tensor) -> (
    features: Tensor, pullback: (Tensor) -> Tensor
  ) {
    let (outputs, pullback) = network.valueWithPullback(at: checked(images), scope: .input)
    let count = outputs.count
    return (
      outputs[count - 1],
      { dFeatures in pullback([Tensor?](repeating: nil, count: count - 1) + [dFeatures]).input }
    )
  }

  private func checked(_ images: Tensor) -> Tensor {
    let side = VGGFaceArchitecture.inputSize
    precondition(
      images.rank == 4 && images.shape[1] == side && images.shape[2] == side
        && images.shape[3] == 3,
      "[VGGFaceModel] images have shape \(images.shape), expected [N, \(side), \(side), 3]")
    return images
  }
}
