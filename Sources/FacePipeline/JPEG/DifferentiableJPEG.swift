import FaceNets
import FaceTensor

/// A differentiable stand-in for a JPEG round trip (encode at a quality, decode) through
/// libjpeg-turbo with its default settings, for attacks whose result must survive JPEG.
///
/// Input and output: `[N, H, W, 3]` RGB, levels of 0...255 (`Float`, not rounded), any H, W ≥ 1.
/// The model follows libjpeg-turbo 2.1.5 as `jpeg_set_defaults` + `jpeg_set_quality(Q, TRUE)`
/// configure it (the project's encoder and Pillow's `save(quality: Q)`), and its decoder's defaults:
/// 1. RGB → YCbCr, JFIF full range (`Y = 0.299R + 0.587G + 0.114B`, …), minus 128.
/// 2. 4:2:0 chroma: 2×2 box average. libjpeg's defaults subsample at every quality (Pillow too,
///    unless asked otherwise). Edges padded to whole 8×8 blocks by replication as libjpeg pads
///    (`JPEGEncodingStage`).
/// 3. Per 8×8 block: orthonormal DCT-II `D = C·X·Cᵀ`, `q = D / T` with `T` the
///    `JPEGQuantizationTables` of the quality, rounding replaced per `rounding`, `D′ = T ⊙ round~(q)`,
///    inverse DCT `X′ = Cᵀ·D′·C`.
/// 4. Decoded samples clamped to 0...255; chroma upsampled with libjpeg-turbo's default "fancy"
///    triangle filter (`JPEGDecodingStage`); YCbCr → RGB (`R = Y + 1.402(Cr − 128)`, …); clamped
///    to 0...255.
///
/// Backward: hand-derived adjoints of each linear stage in reverse order, times the rounding
/// derivative in the DCT domain, times the clamps' 0/1 derivatives (`JPEGBlockQuantizer`,
/// `JPEGDecodingStage`, `JPEGEncodingStage`). No parameters.
///
/// NOTE: libjpeg computes in 8-bit samples and fixed-point DCTs (rounding after colour conversion,
/// downsampling, IDCT, upsampling and colour conversion); this model computes in `Float`
/// throughout. With `.straightThrough` (exact rounding forward) its output differs from libjpeg's
/// decoded pixels by about one level on average; the differences are mostly coefficients within
/// an 8-bit rounding error of a quantization decision boundary, which libjpeg and this model
/// round to neighbouring levels.
public struct DifferentiableJPEG: Layer {
  /// The JPEG quality, 1...100, as libjpeg's `jpeg_set_quality` takes it.
  public let quality: Int
  /// How rounding of the quantized coefficients is approximated.
  public let rounding: JPEGRoundingApproximation
  /// The quantization tables of `quality`.
  public let tables: JPEGQuantizationTables

  private let luma: JPEGBlockQuantizer
  private let chroma: JPEGBlockQuantizer

  /// A JPEG round trip at `quality` (1...100).
  ///
  /// - Parameters:
  ///   - quality: libjpeg's quality setting; 100 still quantizes (every step 1) and subsamples
  ///     chroma, so it is close to, but not, the identity.
  ///   - rounding: `.cubic` (default; forward and gradient consistent) or `.straightThrough`
  ///     (exact rounding forward, identity gradient).
  /// - Precondition: `quality` is in 1...100.
  public init(quality: Int, rounding: JPEGRoundingApproximation = .cubic) {
    self.quality = quality
    self.rounding = rounding
    tables = JPEGQuantizationTables(quality: quality)
    luma = JPEGBlockQuantizer(table: tables.luminance, rounding: rounding)
    chroma = JPEGBlockQuantizer(table: tables.chrominance, rounding: rounding)
  }

  /// The round trip of a batch `[N, H, W, 3]` (levels 0...255); the result has the same shape,
  /// values in 0...255.
  /// - Precondition: rank 4 with 3 channels, H and W at least 1.
  public func callAsFunction(_ input: Tensor) -> Tensor {
    run(input, recording: false).value
  }

  /// The round trip of `input` and its pullback (input gradient only; there are no parameters,
  /// so `scope` changes nothing).
  public func valueWithPullback(at input: Tensor, scope: GradientScope)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    valueWithPullback(at: input, adjointBasis: .jpeg)
  }

  /// As the public method, with the DCT basis of the backward block transforms given, so a test
  /// can show that the gradient check catches a wrong adjoint.
  func valueWithPullback(at input: Tensor, adjointBasis: DCTBasis)
    -> (value: Tensor, pullback: Pullback<NoParameters>)
  {
    let (value, record) = run(input, recording: true)
    let backwardLuma = JPEGBlockQuantizer(
      table: tables.luminance, rounding: rounding, basis: adjointBasis)
    let backwardChroma = JPEGBlockQuantizer(
      table: tables.chrominance, rounding: rounding, basis: adjointBasis)
    let shape = input.shape
    return (
      value,
      { outputGradient in
        precondition(
          outputGradient.shape == shape,
          "[DifferentiableJPEG] gradient shape \(outputGradient.shape), expected \(shape)")
        let gradient = Self.backward(
          outputGradient, record: record, luma: backwardLuma, chroma: backwardChroma)
        return (gradient, nil)
      }
    )
  }

  /// What the forward pass keeps for the backward pass, for every image of the batch: the
  /// decoded planes before clamping, the rounding derivatives, and which RGB values were in range.
  private struct Record: Sendable {
    let geometry: JPEGGeometry
    let batch: Int
    var y: [Float]
    var cb: [Float]
    var cr: [Float]
    var yDerivatives: [Float]
    var cbDerivatives: [Float]
    var crDerivatives: [Float]
    var inside: [UInt8]
  }

  private func run(_ input: Tensor, recording: Bool) -> (value: Tensor, record: Record) {
    precondition(
      input.rank == 4 && input.shape[3] == 3,
      "[DifferentiableJPEG] input must be [N, H, W, 3] RGB, got \(input.shape)")
    let g = JPEGGeometry(height: input.shape[1], width: input.shape[2])
    let n = input.shape[0]
    let keepsDerivatives = recording && rounding == .cubic
    var record = Record(
      geometry: g, batch: n,
      y: [Float](repeating: 0, count: n * g.lumaCount),
      cb: [Float](repeating: 0, count: n * g.chromaCount),
      cr: [Float](repeating: 0, count: n * g.chromaCount),
      yDerivatives: [Float](repeating: 0, count: keepsDerivatives ? n * g.lumaCount : 0),
      cbDerivatives: [Float](repeating: 0, count: keepsDerivatives ? n * g.chromaCount : 0),
      crDerivatives: [Float](repeating: 0, count: keepsDerivatives ? n * g.chromaCount : 0),
      inside: [UInt8](repeating: 0, count: recording ? n * g.pixelCount : 0))
    var output = Tensor(zeros: input.shape)
    input.withUnsafeBufferPointer { x in
      output.withUnsafeMutableBufferPointer { out in
        record.y.withUnsafeMutableBufferPointer { y in
          record.cb.withUnsafeMutableBufferPointer { cb in
            record.cr.withUnsafeMutableBufferPointer { cr in
              record.yDerivatives.withUnsafeMutableBufferPointer { dy in
                record.cbDerivatives.withUnsafeMutableBufferPointer { dcb in
                  record.crDerivatives.withUnsafeMutableBufferPointer { dcr in
                    record.inside.withUnsafeMutableBufferPointer { inside in
                      // An empty array may still have a base address: decide by the flags.
                      func derivatives(_ buffer: UnsafeMutableBufferPointer<Float>, _ offset: Int)
                        -> UnsafeMutablePointer<Float>?
                      {
                        keepsDerivatives ? buffer.baseAddress! + offset : nil
                      }
                      for image in 0..<n {
                        let yPlane = y.baseAddress! + image * g.lumaCount
                        let cbPlane = cb.baseAddress! + image * g.chromaCount
                        let crPlane = cr.baseAddress! + image * g.chromaCount
                        JPEGEncodingStage.encode(
                          x.baseAddress! + image * g.pixelCount, y: yPlane, cb: cbPlane,
                          cr: crPlane, geometry: g)
                        luma.quantize(
                          yPlane, derivatives: derivatives(dy, image * g.lumaCount),
                          height: g.lumaHeight, width: g.lumaWidth)
                        chroma.quantize(
                          cbPlane, derivatives: derivatives(dcb, image * g.chromaCount),
                          height: g.chromaPaddedHeight, width: g.chromaPaddedWidth)
                        chroma.quantize(
                          crPlane, derivatives: derivatives(dcr, image * g.chromaCount),
                          height: g.chromaPaddedHeight, width: g.chromaPaddedWidth)
                        JPEGDecodingStage.decode(
                          y: yPlane, cb: cbPlane, cr: crPlane,
                          into: out.baseAddress! + image * g.pixelCount,
                          inside: recording ? inside.baseAddress! + image * g.pixelCount : nil,
                          geometry: g)
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return (output, record)
  }

  private static func backward(
    _ outputGradient: Tensor, record: Record, luma: JPEGBlockQuantizer, chroma: JPEGBlockQuantizer
  ) -> Tensor {
    let g = record.geometry
    var inputGradient = Tensor(zeros: outputGradient.shape)
    var dY = [Float](repeating: 0, count: g.lumaCount)
    var dCb = [Float](repeating: 0, count: g.chromaCount)
    var dCr = [Float](repeating: 0, count: g.chromaCount)
    outputGradient.withUnsafeBufferPointer { dOut in
      inputGradient.withUnsafeMutableBufferPointer { dIn in
        dY.withUnsafeMutableBufferPointer { dY in
          dCb.withUnsafeMutableBufferPointer { dCb in
            dCr.withUnsafeMutableBufferPointer { dCr in
              record.y.withUnsafeBufferPointer { y in
                record.cb.withUnsafeBufferPointer { cb in
                  record.cr.withUnsafeBufferPointer { cr in
                    record.yDerivatives.withUnsafeBufferPointer { yDerivatives in
                      record.cbDerivatives.withUnsafeBufferPointer { cbDerivatives in
                        record.crDerivatives.withUnsafeBufferPointer { crDerivatives in
                          record.inside.withUnsafeBufferPointer { inside in
                            for image in 0..<record.batch {
                              let lumaOffset = image * g.lumaCount
                              let chromaOffset = image * g.chromaCount
                              JPEGDecodingStage.decodeBackward(
                                dOut.baseAddress! + image * g.pixelCount,
                                inside: inside.baseAddress! + image * g.pixelCount,
                                y: y.baseAddress! + lumaOffset, cb: cb.baseAddress! + chromaOffset,
                                cr: cr.baseAddress! + chromaOffset, dY: dY.baseAddress!,
                                dCb: dCb.baseAddress!, dCr: dCr.baseAddress!, geometry: g)
                              if luma.rounding == .cubic {
                                luma.quantizeBackward(
                                  dY.baseAddress!,
                                  derivatives: yDerivatives.baseAddress! + lumaOffset,
                                  height: g.lumaHeight, width: g.lumaWidth)
                                chroma.quantizeBackward(
                                  dCb.baseAddress!,
                                  derivatives: cbDerivatives.baseAddress! + chromaOffset,
                                  height: g.chromaPaddedHeight, width: g.chromaPaddedWidth)
                                chroma.quantizeBackward(
                                  dCr.baseAddress!,
                                  derivatives: crDerivatives.baseAddress! + chromaOffset,
                                  height: g.chromaPaddedHeight, width: g.chromaPaddedWidth)
                              }
                              JPEGEncodingStage.encodeBackward(
                                dY: dY.baseAddress!, dCb: dCb.baseAddress!, dCr: dCr.baseAddress!,
                                into: dIn.baseAddress! + image * g.pixelCount, geometry: g)
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
    return inputGradient
  }
}
