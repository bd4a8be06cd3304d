import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// dlib-cnn as a hiding target on a small real photo: the windows it scores, its two score
/// paths, and its gradient.
@Suite(.enabled(if: SharedData.isAvailable(for: "DlibCNNHidingModelTests"), "needs ../shared"))
struct DlibCNNHidingModelTests {
  /// The photo, the detector's face in it and the model on that face.
  static func setting() throws -> (RGBImage, FoundFace, DlibCNNHidingModel) {
    let detectors = try HidingSupport.cnnDetectors.get()
    let photo = try SmallFacePhoto.obama()
    let face = try #require(detectors.faces(in: photo, by: .dlibCNN).first)
    let cnn = try #require(detectors.dlibCNN)
    return (
      photo, face, DlibCNNHidingModel(detector: cnn, photo: Tensor(image: photo), face: face.box)
    )
  }

  /// Every window overlaps the face by an IoU of 0.3 and lies in one of the regions computed
  /// (fewer than the windows); the detection is one of them, and the judged scores are
  /// `detect`'s: their maximum is the detection's confidence (to the last bits, which the
  /// network's GEMMs cut otherwise on a region's crop may change).
  @Test func theWindowsAreThoseThatCouldReportTheFace() throws {
    let (photo, face, model) = try Self.setting()
    #expect(model.windows.count > 10, "\(model.windows.count) windows")
    for window in model.windows {
      let box = DlibCNNHidingModel.box(of: window.rectangle)
      #expect(box.intersectionOverUnion(with: face.box) >= 0.3)
      #expect(
        model.regions.contains {
          $0.rows.contains(window.row) && $0.columns.contains(window.column)
        })
    }
    #expect(!model.regions.isEmpty && model.regions.count < model.windows.count)
    #expect(model.windows.contains { DlibCNNHidingModel.box(of: $0.rectangle) == face.box })
    let judged = model.outputs(for: Tensor(image: photo))
    #expect(judged.shape == [1, model.windows.count])
    #expect(abs(Double(judged.scalars.max() ?? 0) - face.confidence) <= 1e-5)
  }

  /// The gradient path upsamples in floats where `detect` rounds the upsampled photo to 8 bits:
  /// the scores differ by little next to the default margin of 0.5.
  @Test func theGradientPathScoresCloseToDetect() throws {
    let (photo, _, model) = try Self.setting()
    let pixels = Tensor(image: photo)
    let judged = model.outputs(for: pixels).scalars
    let float = model.outputsWithPullback(for: pixels).outputs.scalars
    let largest = zip(judged, float).map { abs($0 - $1) }.max() ?? 0
    #expect(largest < 0.05, "largest difference \(largest)")
  }

  /// The pullback of the sum of the scores matches central differences along directions over
  /// many pixels within 2 %.
  ///
  /// That sum's gradient is the hinge's while every window is above the margin. As the
  /// detector's own score gradient test, directions span many pixels (single-pixel differences
  /// keep crossing relu kinks) with a step of 0.01 levels. Each direction is the gradient's
  /// sign on a random half of the pixels (0 elsewhere), so that the projection is large next to
  /// Float's rounding of a sum of a hundred scores; a gradient wrong on some pixels misses it.
  @Test func thePullbackMatchesDirectionalDifferences() throws {
    let (photo, _, model) = try Self.setting()
    let pixels = Tensor(image: photo)
    var generator = SplitMix64(seed: 7)
    let upstream = Tensor(repeating: 1, shape: [1, model.windows.count])
    let gradient = model.outputsWithPullback(for: pixels).pullback(upstream)
    let loss = { (image: Tensor) -> Double in
      zip(model.outputsWithPullback(for: image).outputs.scalars, upstream.scalars).reduce(0) {
        $0 + Double($1.0) * Double($1.1)
      }
    }
    for (numeric, analytic) in signDirectionDifferences(
      of: loss, gradient: gradient, at: pixels, step: 0.01, directions: 3, generator: &generator)
    {
      #expect(
        abs(numeric - analytic) <= 0.02 * max(abs(analytic), 1e-3),
        "numeric \(numeric), analytic \(analytic)")
    }
  }
}
