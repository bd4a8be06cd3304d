import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

extension InstalledResNet {
  /// The network built once from the installed file.
  static let network: Result<DlibResNet, Error> = description.map { DlibResNet(description: $0) }
}

/// `Fixtures/dlib/resnet_intermediates.json`, written by
/// `Scripts/fixtures/dlib_resnet_intermediates.py` (an independent float64 NumPy port).
struct DlibResNetIntermediates: Decodable {
  struct Intermediate: Decodable {
    let after_layer: Int
    /// (C, H, W).
    let shape: [Int]
    let sum: Double
    /// The first four values in row-major NCHW order.
    let first4: [Double]
  }
  struct Derivative: Decodable {
    let direction: String
    let d_distance_dt: Double
    let d_descriptor0_dt: Double
  }
  let largest_difference_from_dlib: Double
  let descriptors: [String: [Double]]
  let intermediates_chip: String
  let intermediates: [Intermediate]
  let directional_derivatives_chip: String
  let directional_derivatives_reference: String
  let distance_at_x: Double
  let directional_derivatives: [Derivative]

  static func load() throws -> DlibResNetIntermediates {
    try JSONDecoder().decode(
      DlibResNetIntermediates.self, from: DlibTestSupport.fixture("resnet_intermediates.json"))
  }
}

/// `../shared/fixtures/dlib-chips/expected.json`'s descriptors.
struct DlibChipDescriptors: Decodable {
  struct Chip: Decodable {
    let chip: String
    let descriptor: [Double]
  }
  let chips: [Chip]

  static func load() throws -> DlibChipDescriptors {
    try JSONDecoder().decode(
      DlibChipDescriptors.self,
      from: Data(
        contentsOf: DlibTestSupport.chipFixtureFolder.appendingPathComponent("expected.json")))
  }

  /// A chip of the folder as a `[1, 150, 150, 3]` tensor (0...255).
  static func tensor(_ name: String) throws -> Tensor {
    Tensor(
      image: try RGBImage(
        contentsOf: DlibTestSupport.chipFixtureFolder.appendingPathComponent(name)))
  }
}

/// dlib's face descriptor network against dlib 20.0.1 (`expected.json`) and an independent
/// float64 port (intermediate values, directional derivatives), plus its own finite differences.
@Suite struct DlibDescriptorTests {
  let resNet: DlibResNet

  init() throws {
    resNet = try InstalledResNet.network.get()
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "descriptorsOfTheChipsMatchDlib")))
  func descriptorsOfTheChipsMatchDlib() throws {
    let fixtures = try DlibChipDescriptors.load()
    let chips = try fixtures.chips.map { try DlibChipDescriptors.tensor($0.chip) }
    // One batch of all chips: batching must not change a descriptor.
    let batch = Tensor(
      shape: [chips.count, 150, 150, 3], scalars: chips.flatMap(\.scalars))
    let descriptors = resNet(batch)
    #expect(descriptors.shape == [chips.count, 128])
    for (index, chip) in fixtures.chips.enumerated() {
      let found = Array(descriptors.scalars[(index * 128)..<((index + 1) * 128)])
      let worst = zip(found, chip.descriptor).map { abs(Double($0) - $1) }.max() ?? .infinity
      #expect(worst <= 1e-4, "\(chip.chip): largest difference \(worst)")
    }
    // Alone, the first chip gets the same descriptor up to the GEMMs' summation order.
    let single = resNet(chips[0]).scalars
    let apart = zip(single, descriptors.scalars.prefix(128)).map { abs($0 - $1) }.max() ?? .nan
    #expect(apart < 1e-6)
  }

  @Test func aFileThatIsNotTheResNetIsRefusedWithATypedError() throws {
    let shapePredictor = try MissingModelFile.check(DlibTestSupport.shapePredictorURL)
    let folder = FileManager.default.temporaryDirectory
    let missing = folder.appendingPathComponent("no-such-\(UUID().uuidString).dat")
    #expect(throws: DlibFormatError.self) { try DlibResNet(contentsOf: missing) }
    // The shape predictor is a valid dlib file, but not this network.
    #expect(throws: DlibFormatError.self) {
      try DlibResNet(contentsOf: shapePredictor, checksum: .skip)
    }
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "distancesAndVerdictsMatchDlib")))
  func distancesAndVerdictsMatchDlib() throws {
    let fixtures = try DlibChipDescriptors.load()
    let ours = try fixtures.chips.map { resNet(try DlibChipDescriptors.tensor($0.chip)).scalars }
    for i in ours.indices {
      for j in ours.indices where j > i {
        let found = DlibResNet.distance(ours[i], ours[j])
        let expected = DlibResNet.distance(
          fixtures.chips[i].descriptor.map(Float.init), fixtures.chips[j].descriptor.map(Float.init)
        )
        #expect(abs(found - expected) < 1e-4, "\(fixtures.chips[i].chip)-\(fixtures.chips[j].chip)")
        #expect((found <= 0.6) == (expected <= 0.6))
      }
    }
    #expect(resNet.distanceThreshold == 0.6)
  }

  @Test(.enabled(if: DlibTestSupport.hasSharedData(for: "intermediateValuesMatchTheFloat64Port")))
  func intermediateValuesMatchTheFloat64Port() throws {
    let reference = try DlibResNetIntermediates.load()
    let description = try InstalledResNet.description.get()
    let taps = reference.intermediates.map(\.after_layer)
    let network = DlibResNet.network(for: description, outputsAfterLayers: taps)
    let outputs = network(try DlibChipDescriptors.tensor(reference.intermediates_chip))
    for (item, value) in zip(reference.intermediates, outputs) {
      let label = "after layer \(item.after_layer)"
      let nchw = Self.nchw(value)
      #expect(nchw.shape == item.shape, "\(label): shape")
      let sumOfMagnitudes = nchw.values.reduce(0) { $0 + abs(Double($1)) }
      let sum = nchw.values.reduce(0) { $0 + Double($1) }
      #expect(
        abs(sum - item.sum) <= 1e-6 * sumOfMagnitudes,
        "\(label): sum \(sum), port \(item.sum) (sum of magnitudes \(sumOfMagnitudes))")
      let first4 = nchw.values.prefix(4).map(Double.init)
      let worst = zip(first4, item.first4).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst <= 2e-5, "\(label): first values \(first4), port \(item.first4)")
    }
  }

  @Test(
    .enabled(if: DlibTestSupport.hasSharedData(for: "directionalDerivativesMatchTheFloat64Port")))
  func directionalDerivativesMatchTheFloat64Port() throws {
    let reference = try DlibResNetIntermediates.load()
    let x = try DlibChipDescriptors.tensor(reference.directional_derivatives_chip)
    let target = resNet(try DlibChipDescriptors.tensor(reference.directional_derivatives_reference))
    let (descriptor, pullback) = resNet.valueWithPullback(at: x)
    let difference = descriptor - target
    let distance = difference.l2Norm()
    #expect(abs(distance - reference.distance_at_x) < 1e-5)
    // f = |D - D_ref|: df/dD = (D - D_ref) / f; D[0]: the first unit vector.
    let distanceGradient = pullback(difference * Float(1 / distance))
    var unit = Tensor(zeros: [1, 128])
    unit.withUnsafeMutableBufferPointer { $0[0] = 1 }
    let firstGradient = pullback(unit)
    for item in reference.directional_derivatives {
      let v = Self.direction(item.direction)
      let dDistance = distanceGradient.dot(v)
      let dFirst = firstGradient.dot(v)
      #expect(
        relativeError(dDistance, item.d_distance_dt, floor: 1e-9) < 0.01,
        "\(item.direction): df/dt \(dDistance), port \(item.d_distance_dt)")
      #expect(
        relativeError(dFirst, item.d_descriptor0_dt, floor: 1e-9) < 0.01,
        "\(item.direction): dD[0]/dt \(dFirst), port \(item.d_descriptor0_dt)")
    }
  }

  /// The gradient of `L = D(x) · u` (seeded `u`) against central differences.
  ///
  /// The directions `v` are seeded and random, their signs following
  /// the analytic gradient's 70% of the time (a fully random direction is nearly orthogonal to
  /// the gradient: its derivative, about 1e-3 of `|g| |v|`, drowns in the Float32 rounding of
  /// the finite differences). Steps of 0.01 pixel levels cross few ReLU kinks: the central
  /// differences agreed to 0.02% in trials; 0.1 gave 1%.
  @Test(
    .enabled(if: DlibTestSupport.hasSharedData(for: "gradientMatchesFiniteDifferencesOnAChip")))
  func gradientMatchesFiniteDifferencesOnAChip() throws {
    let x = try DlibChipDescriptors.tensor("two_people_face0.png")
    var generator = SplitMix64(seed: 0xD11B)
    let upstream = Tensor(
      shape: [1, 128], scalars: (0..<128).map { _ in generator.uniform() })
    let (_, pullback) = resNet.valueWithPullback(at: x)
    let gradient = pullback(upstream)
    #expect(gradient.shape == x.shape)
    let wrong = Self.mirrored(gradient)
    for trial in 0..<3 {
      let v = Tensor(
        shape: x.shape,
        scalars: gradient.scalars.map { g in
          let agrees: Float = generator.uniform(0...1) < 0.7 ? 1 : -1
          return (g > 0 ? agrees : -agrees) * generator.uniform(0...1)
        })
      let numeric = directionalDifference(at: x, along: v, upstream: upstream)
      let analytic = gradient.dot(v)
      #expect(
        relativeError(analytic, numeric, floor: 1e-6) < 5e-3,
        "direction \(trial): analytic \(analytic), finite difference \(numeric)")
      // Negative control: the gradient mirrored left-right fails the same check.
      #expect(relativeError(wrong.dot(v), numeric, floor: 1e-6) > 0.05)
    }
  }

  /// The differentiable float chip differs from dlib's 8-bit chip by dlib's rounding only
  /// (`DlibFaceChipLayer`); this measures what that does to the descriptor.
  @Test(
    .enabled(if: DlibTestSupport.hasSharedData(for: "floatChipsGiveNearlyDlibsDescriptors")))
  func floatChipsGiveNearlyDlibsDescriptors() throws {
    var distances: [String: Double] = [:]
    for chip in try DlibChipFixtures.load().chips {
      let photo = try SharedPhotos.photo(chip.source_image)
      let layer = DlibFaceChipLayer(
        details: DlibFaceChipDetails(landmarks: dlibPoints(chip.landmarks5_xy)),
        imageWidth: photo.width, imageHeight: photo.height)
      let floatChip = layer(Tensor(image: photo))
      let dlibChip = try DlibChipDescriptors.tensor(chip.chip)
      let distance = DlibResNet.distance(resNet(floatChip).scalars, resNet(dlibChip).scalars)
      distances[chip.chip] = distance
      #expect(
        distance < 0.01, "\(chip.chip): float chip vs dlib's chip, descriptor distance \(distance)")
    }
    print("descriptor distance, float chip vs dlib's 8-bit chip: \(distances)")
  }

  /// `(L(x + h v) - L(x - h v)) / 2h` with `L = D · upstream`, h = 0.01 pixel levels.
  private func directionalDifference(at x: Tensor, along v: Tensor, upstream: Tensor) -> Double {
    let h: Float = 0.01
    let plus = resNet(x + v * h).dot(upstream)
    let minus = resNet(x - v * h).dot(upstream)
    return (plus - minus) / (2 * Double(h))
  }

  /// The directions of the format note's section 6.3 for a 150x150 chip.
  private static func direction(_ name: String) -> Tensor {
    Tensor(shape: [1, 150, 150, 3]) { v in
      for r in 0..<150 {
        for c in 0..<150 {
          for k in 0..<3 {
            let value: Float
            switch name {
            case "all_channels_plus_one": value = 1
            case "red_only_plus_one": value = k == 0 ? 1 : 0
            default: value = (r + c) % 2 == 0 ? 1 : -1
            }
            v[(r * 150 + c) * 3 + k] = value
          }
        }
      }
    }
  }

  /// A `[1, H, W, C]` tensor mirrored left-right.
  private static func mirrored(_ t: Tensor) -> Tensor {
    let (h, w, c) = (t.shape[1], t.shape[2], t.shape[3])
    return t.withUnsafeBufferPointer { x in
      Tensor(shape: t.shape) { y in
        for r in 0..<h {
          for col in 0..<w {
            for k in 0..<c { y[(r * w + col) * c + k] = x[(r * w + (w - 1 - col)) * c + k] }
          }
        }
      }
    }
  }

  /// An NHWC value of batch 1 (or `[1, C]`) as its (C, H, W) shape and row-major NCHW values.
  private static func nchw(_ value: Tensor) -> (shape: [Int], values: [Float]) {
    guard value.rank == 4 else { return ([value.shape[1]], value.scalars) }
    let (h, w, c) = (value.shape[1], value.shape[2], value.shape[3])
    var values = [Float](repeating: 0, count: value.count)
    value.withUnsafeBufferPointer { x in
      for channel in 0..<c {
        for r in 0..<h {
          for col in 0..<w { values[(channel * h + r) * w + col] = x[(r * w + col) * c + channel] }
        }
      }
    }
    return ([c, h, w], values)
  }
}
