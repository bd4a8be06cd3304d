import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

/// Helpers of model-bench.
enum ModelBench {
  /// The full-size ResNet-50 in the manifest's layout with seeded random weights (written to a
  /// temporary file, loaded, deleted).
  static func resNet50(manifest url: URL) throws -> VGGFaceModel {
    let manifest = try KerasManifest.load(from: url)
    let file = FileManager.default.temporaryDirectory.appendingPathComponent(
      "model-bench-\(getpid()).h5")
    defer { try? FileManager.default.removeItem(at: file) }
    try manifest.writeRandomWeights(to: file, seed: 50, stringType: .fixedLengthASCII)
    return try VGGFaceModel(architecture: .resnet50, contentsOf: file)
  }

  /// A convolution of the network with its geometry at batch `batch`.
  struct Convolution {
    let name: String
    let layer: Conv2D
    let geometry: Conv2DGeometry
  }

  /// Every convolution of the network at batch `batch`: its Conv2D layers, in order, paired with
  /// `ResNet50Shapes.convolutions`, which gives each one's input size.
  /// - Precondition: the layers' count, kernel shapes, strides and padding agree with the table.
  static func convolutions(of network: Network, batch: Int) -> [Convolution] {
    let layers = network.layerNames.compactMap { name in
      (network.layer(named: name) as? Conv2D).map { (name: name, layer: $0) }
    }
    let table = ResNet50Shapes.convolutions
    precondition(
      layers.count == table.count,
      "[model-bench] the network has \(layers.count) convolutions, ResNet50Shapes \(table.count)")
    return zip(layers, table).map { conv, shape in
      precondition(
        conv.layer.kernel.shape == shape.kernelShape,
        "[model-bench] \(conv.name) has kernel \(conv.layer.kernel.shape), ResNet50Shapes says "
          + "\(shape.kernelShape)")
      let geometry = conv.layer.geometry(
        forInputShape: [batch, shape.inputSize, shape.inputSize, shape.inputChannels])
      precondition(
        geometry == shape.geometry(batch: batch),
        "[model-bench] \(conv.name) has strides \(conv.layer.strides) and padding "
          + "\(conv.layer.padding), ResNet50Shapes says \(shape.stride) and \(shape.padding)")
      return Convolution(name: conv.name, layer: conv.layer, geometry: geometry)
    }
  }

  /// Buffers to run each part of every convolution alone at its shape: the forward GEMM on a
  /// packed im2col matrix, the packing, the input-gradient GEMM `dY·Kᵀ`, and the col2im scatter
  /// (pointwise convolutions multiply their input directly and have no im2col or col2im).
  final class ConvolutionParts {
    private let convolutions: [Convolution]
    private let inputs: [Tensor]
    private var buffers:
      [(
        cols: UnsafeMutablePointer<Float>, y: UnsafeMutablePointer<Float>,
        dx: UnsafeMutablePointer<Float>
      )]

    init(_ convolutions: [Convolution]) {
      self.convolutions = convolutions
      var generator = SplitMix64(seed: 1)
      inputs = convolutions.map { generator.uniformTensor($0.geometry.inputShape) }
      buffers = convolutions.map { c in
        let g = c.geometry
        let cols = UnsafeMutablePointer<Float>.allocate(capacity: g.patchCount * g.patchLength)
        cols.initialize(repeating: 0, count: g.patchCount * g.patchLength)
        let y = UnsafeMutablePointer<Float>.allocate(capacity: g.patchCount * g.outputChannels)
        y.initialize(repeating: 0.5, count: g.patchCount * g.outputChannels)
        let dx = UnsafeMutablePointer<Float>.allocate(capacity: g.inputShape.reduce(1, *))
        dx.initialize(repeating: 0, count: g.inputShape.reduce(1, *))
        return (cols, y, dx)
      }
    }

    deinit {
      for b in buffers {
        b.cols.deallocate()
        b.y.deallocate()
        b.dx.deallocate()
      }
    }

    /// How many convolutions are pointwise.
    var pointwiseCount: Int { convolutions.filter(\.geometry.isPointwise).count }

    /// Every forward GEMM once.
    func forwardGEMMs(threads: Int) {
      for (i, c) in convolutions.enumerated() {
        let g = c.geometry
        let (m, k, n) = (g.patchCount, g.patchLength, g.outputChannels)
        inputs[i].withUnsafeBufferPointer { x in
          c.layer.kernel.withUnsafeBufferPointer { w in
            let a = g.isPointwise ? x.baseAddress! : UnsafePointer(buffers[i].cols)
            gemm(
              m: m, n: n, k: k, a: a, lda: k, b: w.baseAddress!, ldb: n, c: buffers[i].y, ldc: n,
              threads: threads)
          }
        }
      }
    }

    /// Every im2col packing once, split over `threads` as the convolution splits it.
    func im2col(threads: Int) {
      for (i, c) in convolutions.enumerated() where !c.geometry.isPointwise {
        let g = c.geometry
        let k = g.patchLength
        let cols = UnsafeSendable(buffers[i].cols)
        inputs[i].withUnsafeBufferPointer { x in
          let x = UnsafeSendable(x.baseAddress!)
          Parallel.forEachChunk(of: g.patchCount, chunks: threads) { rows in
            Im2col.pack(
              x.pointer, geometry: g, rows: rows, into: cols.pointer + rows.lowerBound * k)
          }
        }
      }
    }

    /// Every input-gradient GEMM `dCols = dY·Kᵀ` once.
    func backwardGEMMs(threads: Int) {
      for (i, c) in convolutions.enumerated() {
        let g = c.geometry
        let (m, k, n) = (g.patchCount, g.patchLength, g.outputChannels)
        c.layer.kernel.withUnsafeBufferPointer { w in
          gemm(
            .none, .transposed, m: m, n: k, k: n, a: buffers[i].y, lda: n, b: w.baseAddress!,
            ldb: n, c: g.isPointwise ? buffers[i].dx : buffers[i].cols, ldc: k, threads: threads)
        }
      }
    }

    /// Every col2im scatter once (one thread, as the tiles of one wave).
    func col2im() {
      for (i, c) in convolutions.enumerated() where !c.geometry.isPointwise {
        Im2col.accumulate(
          buffers[i].cols, geometry: c.geometry, rows: 0..<c.geometry.patchCount,
          into: buffers[i].dx)
      }
    }
  }

  /// Medians of the whole-network passes and of each convolution part, measured in alternation
  /// (one of each per round) so that load arriving during the run affects them alike.
  struct Breakdown {
    var forward: Double
    var step: Double
    var forwardGEMM: Double
    var im2col: Double
    var backwardGEMM: Double
    var col2im: Double
  }

  /// Runs `rounds` rounds of: forward, forward + input gradient, and each convolution part.
  static func breakdown(
    _ parts: ConvolutionParts, threads: Int, rounds: Int, forward: @escaping () -> Void,
    step: @escaping () -> Void
  ) -> Breakdown {
    var samples = [[Double]](repeating: [], count: 6)
    let single = threads == 1
    let bodies: [() -> Void] = [
      forward, step, { parts.forwardGEMMs(threads: threads) }, { parts.im2col(threads: threads) },
      { parts.backwardGEMMs(threads: threads) }, { parts.col2im() },
    ]
    for body in bodies { body() }
    for _ in 0..<rounds {
      for (i, body) in bodies.enumerated() {
        samples[i].append(BenchmarkClock.milliseconds(singleThreaded: single, body))
      }
    }
    let m = samples.map { Timing(samples: $0).median }
    return Breakdown(
      forward: m[0], step: m[1], forwardGEMM: m[2], im2col: m[3], backwardGEMM: m[4], col2im: m[5])
  }

  /// Prints one timing row with GFLOP/s.
  static func printRow(_ label: String, _ timing: Timing, flops: Double) {
    print(
      "  " + label.padding(toLength: 36, withPad: " ", startingAt: 0)
        + String(
          format: "median %7.1f ms  min %7.1f ms  %6.1f GFLOP/s", timing.median, timing.minimum,
          flops / (timing.median * 1e6)))
  }

  /// Prints where the time of a forward pass and of the input gradient goes.
  static func printBreakdown(_ b: Breakdown, flops: Double, pointwise: Int, convolutions: Int) {
    print(
      String(
        format:
          "  forward %.1f ms = GEMM %.1f ms (%.0f GFLOP/s) + im2col %.1f ms + the rest %.1f ms",
        b.forward, b.forwardGEMM, flops / (b.forwardGEMM * 1e6), b.im2col,
        b.forward - b.forwardGEMM - b.im2col))
    let backward = b.step - b.forward
    print(
      String(
        format:
          "  input gradient %.1f ms = GEMM %.1f ms (%.0f GFLOP/s) + col2im %.1f ms + the rest %.1f ms",
        backward, b.backwardGEMM, flops / (b.backwardGEMM * 1e6), b.col2im,
        backward - b.backwardGEMM - b.col2im))
    print("  (\(pointwise) of \(convolutions) convolutions are 1x1 stride 1: no im2col, no col2im)")
  }

  /// PyTorch and TensorFlow milliseconds per image by row of the ResNet-50 table of
  /// `../shared/docs/peer-figures.md` (empty if the file is not there).
  static func peerFigures() -> [String: (pytorch: Double?, tensorflow: Double?)] {
    guard
      let text = try? String(contentsOf: SharedData.url("docs/peer-figures.md"), encoding: .utf8)
    else { return [:] }
    var figures: [String: (Double?, Double?)] = [:]
    for line in text.split(separator: "\n")
    where line.hasPrefix("| forward") || line.hasPrefix("| one PGD step") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count >= 3 else { continue }
      figures[cells[0]] = (milliseconds(cells[1]), milliseconds(cells[2]))
    }
    return figures
  }

  /// The peer table's row for one of this benchmark's rows.
  static func peerRow(for label: String) -> String {
    switch label {
    case "forward, batch 1": return "forward, batch 1"
    case "forward, batch 8": return "forward, batch 8 (per image)"
    case "forward + input gradient, batch 1": return "forward + gradient to the input, batch 1"
    default: return "one PGD step, batch 8 (per image)"
    }
  }

  private static func milliseconds(_ cell: String) -> Double? {
    guard let number = cell.split(separator: " ").first else { return nil }
    return Double(number)
  }

  /// Resets the process's peak RSS (`VmHWM`) by writing 5 to `/proc/self/clear_refs`.
  static func resetPeakResident() -> Bool {
    guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
    defer { try? handle.close() }
    return (try? handle.write(contentsOf: Data("5".utf8))) != nil
  }
}
