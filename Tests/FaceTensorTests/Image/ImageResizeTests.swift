import FaceTensor
import FaceTestSupport
import Testing

@Suite struct ImageResizeTests {
  static let eightBitCases = ImageFixtures.resizeCases.filter { $0.opencvDType == "uint8" }
  static let float32Cases = ImageFixtures.resizeCases.filter { $0.opencvDType == "float32" }
  static let float64Cases = ImageFixtures.resizeCases.filter { $0.opencvDType == "float64" }

  /// The three lists above feed parameterised tests, which pass vacuously on an empty list: each
  /// must have cases, and together they must hold every case of the fixture (a dtype spelled
  /// otherwise would drop out silently).
  @Test func everyDTypeHasCasesAndNoCaseIsLeftOut() throws {
    let total = try ImageFixtures.resizeManifest().cases.count
    #expect(!Self.eightBitCases.isEmpty, "no uint8 resize case")
    #expect(!Self.float32Cases.isEmpty, "no float32 resize case")
    #expect(!Self.float64Cases.isEmpty, "no float64 resize case")
    #expect(Self.eightBitCases.count + Self.float32Cases.count + Self.float64Cases.count == total)
  }

  @Test(arguments: eightBitCases)
  func eightBitResizeIsBitIdenticalToOpenCV(_ fixture: ImageFixtures.ResizeCase) throws {
    let source = RGBImage(
      width: fixture.sourceWidth, height: fixture.sourceHeight, pixels: try fixture.sourceBytes())
    let resized = source.resized(
      width: fixture.width, height: fixture.height, method: fixture.resizeMethod)
    let expected = try fixture.expectedBytes()
    let differing = zip(resized.pixels, expected).filter { $0 != $1 }.count
    #expect(resized.width == fixture.width && resized.height == fixture.height)
    #expect(resized.pixels == expected, "\(differing) of \(expected.count) bytes differ")
  }

  /// The worst `|a - b| / max(1, |b|)` (pixel-scale values: relative above 1, absolute below).
  static func worstRelativeError(_ actual: [Float], _ expected: [Float]) -> Float {
    zip(actual, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
  }

  static func resizedTensor(_ fixture: ImageFixtures.ResizeCase) throws -> Tensor {
    let source = Tensor(
      shape: [1, fixture.sourceHeight, fixture.sourceWidth, fixture.channels],
      scalars: try fixture.sourceFloats())
    return source.resized(
      width: fixture.width, height: fixture.height, method: fixture.resizeMethod)
  }

  /// OpenCV sums float32 data in float32 (and runs INTER_LINEAR through Intel IPP), FaceTensor
  /// in Double: the results agree to about 1e-6 relative, well inside 1e-4.
  @Test(arguments: float32Cases)
  func floatResizeMatchesOpenCVFloat32(_ fixture: ImageFixtures.ResizeCase) throws {
    let resized = try Self.resizedTensor(fixture)
    #expect(resized.shape == [1, fixture.height, fixture.width, fixture.channels])
    let worst = Self.worstRelativeError(resized.scalars, try fixture.expectedFloats())
    #expect(worst <= 1e-4, "worst relative error \(worst)")
  }

  /// MTCNN's stages resize float64 crops; OpenCV's float64 result rounded to float32 is what a
  /// Double-accumulated resize rounded once to Float gives, up to a last-bit difference where
  /// the two sums round differently.
  @Test(arguments: float64Cases)
  func floatResizeMatchesOpenCVFloat64(_ fixture: ImageFixtures.ResizeCase) throws {
    let resized = try Self.resizedTensor(fixture)
    let expected = try fixture.expectedFloats()
    let worstUlps =
      zip(resized.scalars, expected).map { a, b in
        a == b ? 0 : abs(Int(a.bitPattern) - Int(b.bitPattern))
      }.max() ?? 0
    #expect(worstUlps <= 1, "worst difference \(worstUlps) units in the last place")
  }

  // MARK: - Pullback

  /// `<R x, dy>` and `<x, R^T dy>` in Double.
  static func adjointSides(
    from source: (width: Int, height: Int), to target: (width: Int, height: Int),
    method: ResizeMethod, channels: Int, seed: UInt64,
    pullback makePullback: (Tensor) -> (Tensor) -> Tensor
  ) -> (forward: Double, backward: Double) {
    var generator = SplitMix64(seed: seed)
    let x = Tensor(
      shape: [2, source.height, source.width, channels],
      scalars: (0..<(2 * source.height * source.width * channels)).map { _ in generator.uniform() })
    let (y, _) = x.resizedWithPullback(width: target.width, height: target.height, method: method)
    let dy = Tensor(shape: y.shape, scalars: y.scalars.map { _ in generator.uniform() })
    let dx = makePullback(x)(dy)
    let forward = zip(y.scalars, dy.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    let backward = zip(x.scalars, dx.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    return (forward, backward)
  }

  static let adjointCases: [((Int, Int), (Int, Int), ResizeMethod)] = [
    ((13, 11), (5, 4), .area), ((12, 8), (4, 4), .area), ((5, 4), (24, 24), .area),
    ((30, 10), (24, 24), .area), ((13, 11), (5, 4), .bilinear), ((7, 5), (19, 12), .bilinear),
    ((16, 12), (8, 6), .bilinear),
  ]

  @Test(arguments: adjointCases)
  func pullbackIsTheTransposeOfTheResize(
    _ source: (Int, Int), _ target: (Int, Int), _ method: ResizeMethod
  ) {
    let sides = Self.adjointSides(
      from: source, to: target, method: method, channels: 3, seed: UInt64(source.0 * 100 + target.0)
    ) { x in x.resizedWithPullback(width: target.0, height: target.1, method: method).pullback }
    let error = abs(sides.forward - sides.backward) / max(abs(sides.forward), 1e-3)
    #expect(error < 1e-5, "<Rx, dy> = \(sides.forward), <x, R^T dy> = \(sides.backward)")
  }

  @Test func adjointCheckRejectsAWrongPullback() {
    // Negative control: the pullback of the other method is not the transpose of this resize.
    let sides = Self.adjointSides(
      from: (13, 11), to: (5, 4), method: .area, channels: 3, seed: 7
    ) { x in x.resizedWithPullback(width: 5, height: 4, method: .bilinear).pullback }
    let error = abs(sides.forward - sides.backward) / max(abs(sides.forward), 1e-3)
    #expect(error > 1e-2, "a wrong pullback passed the adjoint check (error \(error))")
  }

  @Test func resizingToTheSameSizeCopies() {
    let image = ImageEncodingTests.noise(width: 7, height: 5, seed: 11)
    #expect(image.resized(width: 7, height: 5, method: .area) == image)
    let tensor = Tensor(image: image)
    #expect(tensor.resized(width: 7, height: 5, method: .bilinear) == tensor)
  }
}

extension ImageFixtures.ResizeCase {
  /// The method named in the fixture ("area" is INTER_AREA, "bilinear" INTER_LINEAR).
  var resizeMethod: ResizeMethod { method == "area" ? .area : .bilinear }
}
