import FaceTensor
import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

/// The published `mmod_human_face_detector.dat` read into `DlibMMODDescription`: its settings,
/// its layers, and values checked against the file's own bytes.
@Suite struct DlibMMODReaderTests {
  let bytes: [UInt8]
  let layout: MMODLayout
  let network: DlibMMODDescription

  init() throws {
    bytes = try InstalledMMOD.bytes.get()
    layout = try MMODLayout(bytes)
    network = try InstalledMMOD.description.get()
  }

  @Test func thePublishedFileParsesWithItsChecksumVerified() throws {
    #expect(bytes.count == 729_940)
    // The default policy verifies the SHA-256, so this parse also checks it.
    let verified = try DlibMMODDescription(contentsOf: DlibTestSupport.mmodURL)
    #expect(verified.layers == network.layers)
  }

  @Test func theDetectorSettingsAreTheFiles() {
    #expect(network.window == DlibMMODWindow(width: 80, height: 80))
    #expect(network.nmsIoUThreshold == 0.3382761351109955)
    #expect(network.nmsCoveredThreshold == 1.0)
    #expect(network.inputMeans == [122.782, 117.001, 104.298])
    // `input_rgb_image_pyramid` (version 1) stores no paddings: dlib's defaults.
    #expect(network.pyramidPadding == 10)
    #expect(network.pyramidOuterPadding == 11)
  }

  @Test func theLayersFollowTheDetectorTopology() throws {
    // (filters, input channels, kernel, stride, padding) of the seven convolutions.
    let convolutions = [
      (16, 3, 5, 2, 0), (32, 16, 5, 2, 0), (32, 32, 5, 2, 0), (45, 32, 5, 1, 2),
      (45, 45, 5, 1, 2), (45, 45, 5, 1, 2), (1, 45, 9, 1, 4),
    ]
    try #require(network.layers.count == 19)
    for (index, layer) in network.layers.enumerated() {
      let block = index / 3
      let (oc, c, k, stride, pad) = convolutions[block]
      switch (index % 3, layer) {
      case (0, .convolution(let conv)):
        #expect(conv.kernel.shape == [k, k, c, oc], "layer \(index)")
        #expect(conv.bias.shape == [oc], "layer \(index)")
        let geometry: [Int] = [conv.strideY, conv.strideX, conv.padY, conv.padX]
        #expect(geometry == [stride, stride, pad, pad], "layer \(index)")
      case (1, .affine(let gamma, let beta)):
        #expect(gamma.shape == [oc] && beta.shape == [oc], "layer \(index)")
      case (2, .relu):
        break
      default:
        Issue.record("layer \(index) is \(layer)")
      }
    }
  }

  @Test func theParameterCountIsTheSumOfTheLayerShapes() {
    // Convolutions (OC, C, K): OC*C*K*K weights and OC biases; affine layers: C gammas, C betas.
    let shapes: [(oc: Int, c: Int, k: Int)] = [
      (16, 3, 5), (32, 16, 5), (32, 32, 5), (45, 32, 5), (45, 45, 5), (45, 45, 5), (1, 45, 9),
    ]
    let convolutions = shapes.reduce(0) { total, s in total + s.oc * s.c * s.k * s.k + s.oc }
    let affines = [16, 32, 32, 45, 45, 45].reduce(0) { total, c in total + 2 * c }
    #expect(convolutions + affines == 181_141)
    #expect(network.parameterCount == 181_141)
  }

  @Test func theFirstKernelHoldsTheFilesFloatsInHWIOOrder() throws {
    guard case .convolution(let conv) = network.layers[0] else {
      Issue.record("layer 0 is not a convolution")
      return
    }
    // The file stores the 16x3x5x5 weights (OC, C, KH, KW) row-major, then the 16 biases.
    let data = layout.convolutionData(of: 0)
    #expect(data == 153)
    #expect(bytes.float(at: data) == -0.0027625972870737314)  // as the dump script prints it
    for oc in 0..<16 {
      for c in 0..<3 {
        for y in 0..<5 {
          for x in 0..<5 {
            let stored = bytes.float(at: data + 4 * (((oc * 3 + c) * 5 + y) * 5 + x))
            #expect(conv.kernel[y, x, c, oc] == stored, "w[\(oc),\(c),\(y),\(x)]")
          }
        }
      }
      #expect(conv.bias[oc] == bytes.float(at: data + 4 * (1200 + oc)))
    }
  }

  /// `bn_con2` layers arrive folded: `gamma' = gamma / sqrt(runningVariance + eps)`,
  /// `beta' = beta - gamma' * runningMean`, in float arithmetic as dlib's `affine_` does.
  ///
  /// The stored fields below (layer, channel, gamma, beta, running mean, running variance; eps
  /// is 0.0001 in every layer) and the folded values numpy computes from them in float32 were
  /// printed once by a walk of the file built on `/work/notes/dump_mmod.py` (Python 3.11,
  /// numpy, outside the repository).
  @Test(
    arguments: [
      (1, 0, 0.9998036, 0.04821674, 6.018478e-05, 3.4560537e-05, 86.1898, 0.043029428),
      (1, 5, 0.9900373, 0.02805186, 0.00017686655, 1.0725794e-05, 94.08647, 0.01141111),
      (16, 44, 1.0031695, 0.005315919, -0.0109123485, 8.4652434e-05, 73.823875, 0.8109078),
    ] as [(Int, Int, Float, Float, Float, Float, Float, Float)])
  func batchNormIsFoldedIntoAnAffineLayerAsDlibDoes(
    _ layer: Int, _ channel: Int, _ gamma: Float, _ beta: Float, _ mean: Float,
    _ variance: Float, _ numpyGamma: Float, _ numpyBeta: Float
  ) throws {
    guard case .affine(let folded, let shift) = network.layers[layer] else {
      Issue.record("layer \(layer) is not an affine layer")
      return
    }
    let channels = folded.count
    #expect(bytes.float(at: layout.batchNormData(of: layer) + 4 * channel) == gamma)
    #expect(bytes.float(at: layout.batchNormData(of: layer) + 4 * (channels + channel)) == beta)
    #expect(
      bytes.float(at: layout.runningVarianceData(of: layer, channels: channels) + 4 * channel)
        == variance)
    let expectedGamma = gamma / (variance + Float(0.0001)).squareRoot()
    #expect(folded[channel] == expectedGamma)
    #expect(shift[channel] == beta - expectedGamma * mean)
    #expect(folded[channel] == numpyGamma)
    #expect(shift[channel] == numpyBeta)
  }

  @Test func everyAffineLayerIsTheFloatFoldOfItsStoredStatistics() throws {
    for index in stride(from: 1, to: 19, by: 3) {
      guard case .affine(let gamma, let beta) = network.layers[index] else {
        Issue.record("layer \(index) is not an affine layer")
        continue
      }
      let channels = gamma.count
      let params = layout.batchNormData(of: index)
      let variances = layout.runningVarianceData(of: index, channels: channels)
      let means = variances - 10 - 4 * channels  // the running means' data and the next header
      for c in 0..<channels {
        let folded =
          bytes.float(at: params + 4 * c)
          / (bytes.float(at: variances + 4 * c) + Float(0.0001)).squareRoot()
        let shift =
          bytes.float(at: params + 4 * (channels + c)) - folded * bytes.float(at: means + 4 * c)
        #expect(gamma[c] == folded, "layer \(index) channel \(c)")
        #expect(beta[c] == shift, "layer \(index) channel \(c)")
      }
    }
  }

  @Test func aChangedWeightFailsTheChecksumButParsesWhenItIsSkipped() throws {
    let data = layout.convolutionData(of: 0)
    let edited = bytes.replacing(data..<data + 4, with: [0, 0, 0, 0])  // w[0,0,0,0] = 0
    #expect { try DlibMMODDescription(bytes: edited, fileName: InstalledMMOD.name) } throws: {
      guard case .checksumMismatch(let file, let expected, let found) = $0 as? DlibFormatError
      else { return false }
      return file == InstalledMMOD.name && expected == DlibModelFile.mmodHumanFaceDetector.sha256
        && found != expected && found.count == 64
    }
    let skipped = try DlibMMODDescription(
      bytes: edited, fileName: InstalledMMOD.name, checksum: .skip)
    guard case .convolution(let conv) = skipped.layers[0] else {
      Issue.record("layer 0 is not a convolution")
      return
    }
    #expect(conv.kernel[0, 0, 0, 0] == 0)
    #expect(Array(skipped.layers[1...]) == Array(network.layers[1...]))
  }
}
