import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// MTCNN as a hiding target: log-odds margins, the fixed-width rows, and the gradient on a small
/// real photo.
@Suite struct MTCNNHidingModelTests {
  @Test func marginsAreLogOddsOverTheThresholds() {
    let atThreshold = MTCNNHidingModel.logOddsMargin(0, threshold: 0.7)
    #expect(abs(atThreshold.value) < 1e-6)
    // 1 / (0.7 · 0.3).
    #expect(abs(atThreshold.slope - 4.7619047) < 1e-4)
    // p = 0.9: log 9 − log(7/3).
    let face = MTCNNHidingModel.logOddsMargin(0.2, threshold: 0.7)
    #expect(abs(Double(face.value) - (log(9.0) - log(7.0 / 3))) < 1e-5)
    // A saturated probability stays finite.
    let saturated = MTCNNHidingModel.logOddsMargin(0.3, threshold: 0.7)
    #expect(saturated.value.isFinite && saturated.value > 15 && saturated.slope.isFinite)
  }

  /// The small Obama photo: a row of `capacity` values, O-Net's candidates first (the face is
  /// seen: the largest is above 0), then padding; both passes agree; all three stages give more
  /// candidates.
  @Test(.enabled(if: SharedData.isAvailable(for: "rowsHoldTheCandidatesThenPadding")))
  func rowsHoldTheCandidatesThenPadding() throws {
    let (photo, model) = try Self.setting()
    let outputs = model.outputs(for: photo)
    #expect(outputs.shape == [1, 512])
    let candidates = outputs.scalars.filter { $0 != MTCNNHidingModel.padding }
    #expect(!candidates.isEmpty && candidates.count < 512)
    #expect(candidates == candidates.sorted(by: >) && candidates[0] > 0, "\(candidates)")
    #expect(outputs.scalars[candidates.count...].allSatisfy { $0 == MTCNNHidingModel.padding })
    let withPullback = model.outputsWithPullback(for: photo).outputs.scalars
    for (a, b) in zip(outputs.scalars, withPullback) {
      #expect(abs(a - b) <= 1e-3 * max(1, abs(a)))
    }
    let allStages = MTCNNHidingModel(
      mtcnn: model.mtcnn, face: try Self.faceBox(), stages: [.pnet, .rnet, .onet])
    let all = allStages.outputs(for: photo).scalars.filter { $0 != MTCNNHidingModel.padding }
    #expect(all.count > candidates.count)
  }

  /// With P-Net's cells (whose scores are continuous in the pixels, where R-Net's and O-Net's
  /// crops follow truncated boxes that jump), the pullback of the sum of the margins matches
  /// central differences along the gradient's sign on a random half of the pixels within 2 %,
  /// as dlib-cnn's check.
  @Test(.enabled(if: SharedData.isAvailable(for: "thePullbackMatchesDirectionalDifferences")))
  func thePullbackMatchesDirectionalDifferences() throws {
    let (photo, onet) = try Self.setting()
    let model = MTCNNHidingModel(mtcnn: onet.mtcnn, face: try Self.faceBox(), stages: [.pnet])
    let (gradient, loss) = Self.sumGradient(model, at: photo)
    var generator = SplitMix64(seed: 11)
    for (numeric, analytic) in signDirectionDifferences(
      of: loss, gradient: gradient, at: photo, step: 0.01, directions: 3, generator: &generator)
    {
      #expect(
        abs(numeric - analytic) <= 0.02 * max(abs(analytic), 1e-3),
        "numeric \(numeric), analytic \(analytic)")
    }
  }

  /// With O-Net's candidates (the default), a step of half a level against the gradient's sign
  /// lowers the sum of their margins.
  @Test(.enabled(if: SharedData.isAvailable(for: "aStepAgainstTheGradientLowersTheMargins")))
  func aStepAgainstTheGradientLowersTheMargins() throws {
    let (photo, model) = try Self.setting()
    let (gradient, loss) = Self.sumGradient(model, at: photo)
    let step = Tensor(shape: photo.shape, scalars: gradient.scalars.map { $0 > 0 ? 0.5 : -0.5 })
    #expect(loss(photo - step) < loss(photo) - 1, "\(loss(photo - step)) vs \(loss(photo))")
  }

  /// The gradient of the sum of `model`'s candidate margins at `photo`, and that sum as a
  /// function of the photo (its candidates found anew in each photo).
  static func sumGradient(_ model: MTCNNHidingModel, at photo: Tensor) -> (
    Tensor, (Tensor) -> Double
  ) {
    let (outputs, pullback) = model.outputsWithPullback(for: photo)
    let upstream = Tensor(
      shape: outputs.shape,
      scalars: outputs.scalars.map { $0 == MTCNNHidingModel.padding ? 0 : 1 })
    let loss = { (image: Tensor) -> Double in
      model.outputs(for: image).scalars.filter { $0 != MTCNNHidingModel.padding }.reduce(0) {
        $0 + Double($1)
      }
    }
    return (pullback(upstream), loss)
  }

  /// MTCNN's box of the small Obama photo's face.
  static func faceBox() throws -> PixelBox {
    let faces = try MTCNN().detect(in: try SmallFacePhoto.obama())
    return try #require(faces.first).reportedBox
  }

  /// The small photo `[1, 200, 200, 3]` and the model on its face.
  static func setting() throws -> (Tensor, MTCNNHidingModel) {
    (
      Tensor(image: try SmallFacePhoto.obama()),
      MTCNNHidingModel(mtcnn: try MTCNN(), face: try faceBox())
    )
  }
}
