import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FacePipeline

/// An image and a JPEG setting for a gradient check.
struct JPEGGradientCase: CustomStringConvertible, Sendable {
  let name: String
  let shape: [Int]
  let quality: Int
  let seed: UInt64
  /// Whether half the pixels are pushed beyond the range (−20 or 275), so that the clamps are
  /// strictly active somewhere (values exactly at 0 or 255 would sit on their kinks).
  let saturated: Bool

  var description: String { "\(name) \(shape) q\(quality)" }

  static let all: [JPEGGradientCase] = [
    JPEGGradientCase(
      name: "blocks", shape: [1, 16, 24, 3], quality: 75, seed: 1, saturated: false),
    JPEGGradientCase(name: "odd", shape: [1, 13, 11, 3], quality: 50, seed: 2, saturated: false),
    JPEGGradientCase(name: "batch", shape: [2, 9, 7, 3], quality: 60, seed: 3, saturated: false),
    // ⌈W/2⌉ = 2 chroma columns: libjpeg replicates chroma instead of the triangle filter.
    JPEGGradientCase(name: "narrow", shape: [1, 6, 4, 3], quality: 75, seed: 4, saturated: false),
    JPEGGradientCase(
      name: "clamped", shape: [1, 16, 16, 3], quality: 20, seed: 5, saturated: true),
  ]

  /// A smooth colour pattern with noise, levels in about 30...225 (half the pixels pushed to
  /// −20 or 275 when `saturated`).
  func image() -> Tensor {
    var generator = SplitMix64(seed: seed)
    let (n, h, w) = (shape[0], shape[1], shape[2])
    var values = [Float](repeating: 0, count: n * h * w * 3)
    for b in 0..<n {
      let phase = generator.uniform(0...6)
      for y in 0..<h {
        for x in 0..<w {
          let extreme: Float? =
            saturated && generator.uniform(0...1) < 0.5
            ? (generator.uniform(0...1) < 0.5 ? -20 : 275) : nil
          for c in 0..<3 {
            let across = sin(Float(x) / 3 + phase + Float(c))
            let down = cos(Float(y) / 4 - Float(c))
            let base: Float = 128 + 70 * across * down
            let value = extreme ?? (base + generator.uniform(-25...25))
            values[((b * h + y) * w + x) * 3 + c] = value
          }
        }
      }
    }
    return Tensor(shape: shape, scalars: values)
  }

  /// A random upstream gradient.
  func upstream() -> Tensor {
    var generator = SplitMix64(seed: seed &+ 1000)
    return Tensor(
      shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(generator.normal()) })
  }
}

/// An image built from chosen DCT coefficients, away from the cubic rounding's jumps.
///
/// Every quantized coefficient of its planes lies
/// 0.1 to 0.4 away from an integer, so no element step of half a level can cross a rounding
/// jump of the cubic approximation (a step moves a coefficient by at most 0.04 of a quantization
/// step at quality 90), the checker can use that large step (small `Float` noise), and the
/// rounding derivatives `3t²` are not tiny.
/// Sides must be multiples of 16 (no padding: every plane sample is free). Values stay well
/// inside 0...255, so no clamp is near a kink either.
struct ControlledJPEGImage {
  let shape: [Int]
  let quality: Int
  let seed: UInt64

  func image() -> Tensor {
    precondition(shape[1] % 16 == 0 && shape[2] % 16 == 0, "sides must be multiples of 16")
    var generator = SplitMix64(seed: seed)
    let tables = JPEGQuantizationTables(quality: quality)
    let (n, h, w) = (shape[0], shape[1], shape[2])
    var values = [Float](repeating: 0, count: n * h * w * 3)
    for b in 0..<n {
      let y = plane(height: h, width: w, table: tables.luminance, using: &generator)
      let cb = plane(height: h / 2, width: w / 2, table: tables.chrominance, using: &generator)
      let cr = plane(height: h / 2, width: w / 2, table: tables.chrominance, using: &generator)
      for row in 0..<h {
        for column in 0..<w {
          let luma = y[row * w + column] + 128
          let c = (row / 2) * (w / 2) + column / 2
          let pixel = ((b * h + row) * w + column) * 3
          values[pixel] = Float(luma + 1.402 * cr[c])
          values[pixel + 1] = Float(luma - 0.34414 * cb[c] - 0.71414 * cr[c])
          values[pixel + 2] = Float(luma + 1.772 * cb[c])
        }
      }
    }
    return Tensor(shape: shape, scalars: values)
  }

  /// A centred plane whose blocks have coefficients `T·(k + t)`: k a small integer at low
  /// frequencies, |t| uniform in 0.1...0.4 with a random sign.
  private func plane(
    height: Int, width: Int, table: [Int], using generator: inout SplitMix64
  ) -> [Double] {
    let c = (0..<64).map { i -> Double in
      let (u, x) = (i / 8, i % 8)
      let scale = u == 0 ? (1.0 / 8).squareRoot() : 0.5
      return scale * cos(Double((2 * x + 1) * u) * Double.pi / 16)
    }
    var result = [Double](repeating: 0, count: height * width)
    for by in stride(from: 0, to: height, by: 8) {
      for bx in stride(from: 0, to: width, by: 8) {
        var d = [Double](repeating: 0, count: 64)
        for k in 0..<64 {
          let level = k / 8 + k % 8 <= 2 ? Double(Int.random(in: -1...1, using: &generator)) : 0
          let offset =
            Double(generator.uniform(0.1...0.4)) * (Bool.random(using: &generator) ? 1 : -1)
          d[k] = Double(table[k]) * (level + offset)
        }
        // X = Cᵀ·D·C
        for x in 0..<8 {
          for yy in 0..<8 {
            var sum = 0.0
            for u in 0..<8 {
              for v in 0..<8 { sum += c[u * 8 + x] * d[u * 8 + v] * c[v * 8 + yy] }
            }
            result[(by + x) * width + bx + yy] = sum
          }
        }
      }
    }
    return result
  }
}

/// The rounding jumps of JPEG with the cubic rounding approximation, for `checkGradient`.
///
/// The layer jumps wherever a quantized coefficient crosses a half-integer. An element whose ±h
/// steps cross such a jump is recognised by its one-sided differences disagreeing (a jump puts
/// about 0.75·step·⟨basis, dy⟩/h into one of them, typically several units) by more than
/// `0.02 + 0.1·max(|forward|, |backward|)`; such elements are counted and left out. The decision
/// uses the forward function only, never the gradient under test.
///
/// The checks below compare every element. Their steps (0.1 to 1 level) and floors of the
/// relative error's denominator (0.05 or 0.1) are that large because the layer's `Float` outputs
/// (levels up to 255, an ulp of 1.5e-5) make the loss noisy by about 3e-4 for a single-element
/// step: central differences carry about 1e-3 of noise at h = 0.25, against gradients of
/// typically 0.3 here. Between jumps the function is smooth (piecewise cubic in the coefficients,
/// with a third derivative far too small to matter at these steps).
let roundingJumps = KinkRule(relativeTolerance: 0.1, absoluteTolerance: 0.02)

@Suite struct DifferentiableJPEGGradientTests {
  /// Images with every coefficient away from the rounding jumps.
  ///
  /// A step of half a level and
  /// every element checked, to 2% of gradients floored at 0.05. What is left over 1,536
  /// elements: about 1% of `Float` noise, and up to 2% of third-order error of central
  /// differences at quality 90, whose small steps curve the cubic sharply in pixel units.
  @Test(arguments: [
    ControlledJPEGImage(shape: [1, 16, 32, 3], quality: 75, seed: 11),
    ControlledJPEGImage(shape: [2, 16, 16, 3], quality: 50, seed: 12),
    ControlledJPEGImage(shape: [1, 32, 16, 3], quality: 90, seed: 13),
  ])
  func cubicGradientMatchesFiniteDifferencesAwayFromJumps(_ c: ControlledJPEGImage) {
    let layer = DifferentiableJPEG(quality: c.quality, rounding: .cubic)
    let x = c.image()
    var generator = SplitMix64(seed: c.seed &+ 1000)
    let dy = Tensor(shape: c.shape, scalars: (0..<x.count).map { _ in Float(generator.normal()) })
    let gradient = layer.valueWithPullback(at: x, scope: .input).pullback(dy).input
    let report = checkGradient(
      "cubic JPEG", of: { layer($0) }, at: x, upstream: dy, analytic: gradient, epsilon: 0.5,
      tolerance: 2e-2, denominatorFloor: 0.05, sampleLimit: .max, generator: &generator)
    #expect(report.passes, "\(c.shape) q\(c.quality): \(report)")
  }

  /// Random images of any size (padding, odd sides, two chroma columns, active clamps).
  ///
  /// A smaller step, the elements whose steps cross a rounding jump left out. At h = 0.1 the
  /// `Float` noise of the central differences is about 1.5e-3, so the tolerance is 5% of
  /// gradients floored at 0.1 (an error of 5e-3 at most); a wrong adjoint errs by far more
  /// (see the negative controls). Qualities up to 75: finer steps would leave too many elements
  /// straddling jumps (quality 90 is checked on a controlled image above).
  @Test(arguments: JPEGGradientCase.all)
  func cubicGradientMatchesFiniteDifferences(_ c: JPEGGradientCase) {
    let layer = DifferentiableJPEG(quality: c.quality, rounding: .cubic)
    let (x, dy) = (c.image(), c.upstream())
    let gradient = layer.valueWithPullback(at: x, scope: .input).pullback(dy).input
    var generator = SplitMix64(seed: c.seed)  // draws nothing: every element is checked
    let report = checkGradient(
      "cubic JPEG", of: { layer($0) }, at: x, upstream: dy, analytic: gradient, epsilon: 0.1,
      tolerance: 5e-2, denominatorFloor: 0.1, sampleLimit: .max, skippingKinks: true,
      kinkRule: roundingJumps, maximumKinkFraction: 0.1, generator: &generator)
    #expect(report.passes, "\(c): \(report)")
  }

  /// Negative control: the check of `cubicGradientMatchesFiniteDifferencesAwayFromJumps`, on its
  /// first image, must fail when the backward block transforms use Cᵀ where C belongs (the DCT
  /// transposed in the adjoint).
  @Test func checkFailsWithTransposedDCTInTheAdjoint() {
    let c = ControlledJPEGImage(shape: [1, 16, 32, 3], quality: 75, seed: 11)
    let layer = DifferentiableJPEG(quality: c.quality, rounding: .cubic)
    let matrix = DCTBasis.jpeg.rows.flatMap { row in (0..<8).map { row[$0] } }
    let transposed = DCTBasis(matrix: (0..<64).map { matrix[($0 % 8) * 8 + $0 / 8] })
    let x = c.image()
    var generator = SplitMix64(seed: c.seed &+ 1000)
    let dy = Tensor(shape: c.shape, scalars: (0..<x.count).map { _ in Float(generator.normal()) })
    let wrong = layer.valueWithPullback(at: x, adjointBasis: transposed).pullback(dy).input
    let report = checkGradient(
      "cubic JPEG, transposed DCT in the adjoint", of: { layer($0) }, at: x, upstream: dy,
      analytic: wrong, epsilon: 0.5, tolerance: 2e-2, denominatorFloor: 0.05, sampleLimit: .max,
      generator: &generator)
    #expect(!report.passes, "\(report)")
    #expect(report.worstRelativeError > 0.1, "\(report)")
  }

  /// Negative control: the straight-through gradient is not the cubic forward's derivative.
  @Test func checkFailsWithTheStraightThroughGradientOfTheCubicForward() {
    let c = ControlledJPEGImage(shape: [1, 16, 32, 3], quality: 75, seed: 11)
    let cubic = DifferentiableJPEG(quality: c.quality, rounding: .cubic)
    let straightThrough = DifferentiableJPEG(quality: c.quality, rounding: .straightThrough)
    let x = c.image()
    var generator = SplitMix64(seed: c.seed &+ 1000)
    let dy = Tensor(shape: c.shape, scalars: (0..<x.count).map { _ in Float(generator.normal()) })
    let wrong = straightThrough.valueWithPullback(at: x, scope: .input).pullback(dy).input
    let report = checkGradient(
      "cubic JPEG, straight-through gradient", of: { cubic($0) }, at: x, upstream: dy,
      analytic: wrong, epsilon: 0.5, tolerance: 2e-2, denominatorFloor: 0.05, sampleLimit: .max,
      generator: &generator)
    #expect(!report.passes, "\(report)")
    #expect(report.worstRelativeError > 0.1, "\(report)")
  }

  /// The straight-through gradient is the exact gradient of the codec without quantization.
  ///
  /// The same colour transforms, padding and resampling with the blocks passed through unchanged,
  /// wherever the clamps are inactive: the layer's clamp masks are taken at the quantized point.
  /// That codec is piecewise linear, so a step of one level is exact up to `Float` noise.
  @Test(arguments: [
    JPEGGradientCase.all[0], JPEGGradientCase.all[1], JPEGGradientCase.all[2],
    JPEGGradientCase.all[3],
  ])
  func straightThroughGradientIsTheCodecWithoutQuantization(_ c: JPEGGradientCase) {
    let layer = DifferentiableJPEG(quality: c.quality, rounding: .straightThrough)
    let (x, dy) = (c.image(), c.upstream())
    let gradient = layer.valueWithPullback(at: x, scope: .input).pullback(dy).input
    var generator = SplitMix64(seed: c.seed)  // draws nothing: every element is checked
    let report = checkGradient(
      "JPEG codec without quantization", of: codecWithoutQuantization, at: x, upstream: dy,
      analytic: gradient, epsilon: 1, denominatorFloor: 0.05, sampleLimit: .max,
      skippingKinks: true, kinkRule: roundingJumps, maximumKinkFraction: 0.05,
      generator: &generator)
    #expect(report.passes, "\(c): \(report)")
    #expect(report.kinkCount == 0, "\(report)")
  }

  @Test func cubicForwardStaysCloseToExactRounding() {
    // The cubic forward moves each quantized coefficient by up to 0.125 of its step away from
    // the exactly rounded one: the outputs differ, but little.
    let c = JPEGGradientCase.all[0]
    let x = c.image()
    let exact = DifferentiableJPEG(quality: 75, rounding: .straightThrough)(x)
    let cubic = DifferentiableJPEG(quality: 75, rounding: .cubic)(x)
    let difference = zip(exact.scalars, cubic.scalars).map { abs($0 - $1) }
    #expect(difference.max()! > 0.01)
    #expect(difference.reduce(0, +) / Float(difference.count) < 1.5)
  }

  @Test func batchImagesAreIndependent() {
    let c = JPEGGradientCase.all[2]
    let layer = DifferentiableJPEG(quality: c.quality)
    let (x, dy) = (c.image(), c.upstream())
    let (value, pullback) = layer.valueWithPullback(at: x, scope: .input)
    let gradient = pullback(dy).input
    let perImage = c.shape.dropFirst().reduce(1, *)
    for image in 0..<2 {
      let range = (image * perImage)..<((image + 1) * perImage)
      let single = Tensor(shape: [1] + c.shape.dropFirst(), scalars: Array(x.scalars[range]))
      let singleUpstream = Tensor(shape: single.shape, scalars: Array(dy.scalars[range]))
      let (singleValue, singlePullback) = layer.valueWithPullback(at: single, scope: .input)
      #expect(Array(value.scalars[range]) == singleValue.scalars)
      #expect(Array(gradient.scalars[range]) == singlePullback(singleUpstream).input.scalars)
      #expect(layer(single).scalars == singleValue.scalars)
    }
  }

  @Test func theLayerHasNoParameters() {
    let layer = DifferentiableJPEG(quality: 80)
    #expect(layer.parameters.isEmpty)
    let x = JPEGGradientCase.all[3].image()
    let (_, pullback) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    #expect(pullback(x).parameters == nil)
  }
}

/// The layer's stages with the block quantizer left out: encode, decode.
func codecWithoutQuantization(_ input: Tensor) -> Tensor {
  let g = JPEGGeometry(height: input.shape[1], width: input.shape[2])
  var output = Tensor(zeros: input.shape)
  var y = [Float](repeating: 0, count: g.lumaCount)
  var cb = [Float](repeating: 0, count: g.chromaCount)
  var cr = [Float](repeating: 0, count: g.chromaCount)
  input.withUnsafeBufferPointer { x in
    output.withUnsafeMutableBufferPointer { out in
      for image in 0..<input.shape[0] {
        JPEGEncodingStage.encode(
          x.baseAddress! + image * g.pixelCount, y: &y, cb: &cb, cr: &cr, geometry: g)
        JPEGDecodingStage.decode(
          y: y, cb: cb, cr: cr, into: out.baseAddress! + image * g.pixelCount, inside: nil,
          geometry: g)
      }
    }
  }
  return output
}
