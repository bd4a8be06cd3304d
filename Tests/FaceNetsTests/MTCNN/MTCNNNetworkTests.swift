import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// P-Net, R-Net and O-Net with the bundled weights against the package's Keras networks on the
/// fixed inputs of `nets.h5` (`Scripts/reference/mtcnn_nets_reference.py`).
@Suite struct MTCNNNetworkTests {
  /// One network's check: its `nets.h5` group and output dataset names, in output order.
  struct NetworkCase: Sendable, CustomStringConvertible {
    let kind: MTCNNNetworks.Kind
    let outputs: [String]
    var description: String { kind.rawValue }

    static let all = [
      NetworkCase(kind: .pnet, outputs: ["output_regression", "output_prob"]),
      NetworkCase(kind: .rnet, outputs: ["output_regression", "output_prob"]),
      NetworkCase(kind: .onet, outputs: ["output_regression", "output_landmarks", "output_prob"]),
    ]
  }

  /// Float32 networks summing in different orders than TensorFlow: outputs agree to about 1e-6
  /// of their magnitude; this bound leaves a margin and still fails on any wrong weight, axis or
  /// flatten order (those change outputs by 1e-2 or more).
  static let tolerance: Float = 2e-5

  @Test(arguments: NetworkCase.all)
  func networkMatchesKerasOnFixedInputs(_ c: NetworkCase) throws {
    let detector = try MTCNN()
    let network: Network =
      switch c.kind {
      case .pnet: detector.pnet
      case .rnet: detector.rnet
      case .onet: detector.onet
      }
    let file = try MTCNNFixtures.nets()
    let input = try file.tensor(at: "\(c.kind.rawValue)/input")
    let outputs = network(input)
    #expect(outputs.count == c.outputs.count)
    for (output, name) in zip(outputs, c.outputs) {
      let expected = try file.tensor(at: "\(c.kind.rawValue)/\(name)")
      #expect(output.shape == expected.shape, "\(name)")
      let worst = zip(output.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst <= Self.tolerance, "\(c.kind.rawValue)/\(name): largest difference \(worst)")
    }
  }

  @Test func pnetInputIsTheNormalisedTransposedLevel() throws {
    let file = try MTCNNFixtures.nets()
    let level = try file.tensor(at: "pnet/input_uint8_hwc")
    let (height, width) = (level.shape[0], level.shape[1])
    let image = RGBImage(width: width, height: height, pixels: level.scalars.map { UInt8($0) })
    #expect(MTCNNInput.transposed(image) == (try file.tensor(at: "pnet/input")))
  }

  @Test(.enabled(if: MTCNNFixtures.hasPhotos(for: "pnetLevelIsOpenCVsAreaResize")))
  func pnetLevelIsOpenCVsAreaResize() throws {
    // The fixture's level: obama.jpg x 330...650, y 60...460 resized to 31x27 (INTER_AREA).
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/obama.jpg"))
    let level = photo.cropped(x: 330, y: 60, width: 321, height: 401)
      .resized(width: 31, height: 27, method: .area)
    let expected = try MTCNNFixtures.nets().tensor(at: "pnet/input_uint8_hwc")
    #expect(level.pixels.map(Float.init) == expected.scalars)
  }

  /// The crops R-Net and O-Net read (zero-padded float crops, INTER_AREA in float64, normalised,
  /// transposed) equal the package's inputs up to float32 rounding.
  @Test(
    .enabled(if: MTCNNFixtures.hasPhotos(for: "cropBatchesMatchThePackagesInputs")),
    arguments: [(MTCNNNetworks.Kind.rnet, 24), (.onet, 48)])
  func cropBatchesMatchThePackagesInputs(_ kind: MTCNNNetworks.Kind, size: Int) throws {
    let file = try MTCNNFixtures.nets()
    let photo = try RGBImage(contentsOf: SharedData.url("data/faces/obama.jpg"))
    // Rows are 0-based inclusive [x1, y1, x2, y2]; the package's boxes are 1-based.
    let rows = try file.tensor(at: "\(kind.rawValue)/crops_x1y1x2y2").scalars.map(Double.init)
    let windows = stride(from: 0, to: rows.count, by: 4).map { i in
      MTCNNCrops.Window(
        CandidateBox(
          x1: rows[i] + 1, y1: rows[i + 1] + 1, x2: rows[i + 2] + 1, y2: rows[i + 3] + 1, score: 0))
    }
    let batch = MTCNNCrops.batch(windows[...], of: photo, size: size)
    let expected = try file.tensor(at: "\(kind.rawValue)/input")
    #expect(batch.shape == expected.shape)
    let worst = zip(batch.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
    #expect(worst <= 1e-6, "largest difference \(worst)")
  }
}
