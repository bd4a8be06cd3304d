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

  /// Every convolution of keras-vggface's ResNet-50, with its input size from its place: the
  /// stem reads 224x224; stage S (2...5) works at 55, 28, 14, 7, except that the strided first
  /// block's reduce and projection read the previous stage's size.
  static func convolutions(of network: Network, batch: Int) -> [Convolution] {
    let sides = [2: 55, 3: 28, 4: 14, 5: 7]
    return network.layerNames.compactMap { name in
      guard let conv = network.layer(named: name) as? Conv2D else { return nil }
      var side = 224
      if name.hasPrefix("conv"), let stage = Int(String(name.dropFirst(4).prefix(1))), stage >= 2 {
        let strided =
          name.hasPrefix("conv\(stage)_1_") && (name.hasSuffix("reduce") || name.hasSuffix("proj"))
        side = strided && stage > 2 ? sides[stage - 1] ?? 0 : sides[stage] ?? 0
      }
      let shape = [batch, side, side, conv.kernel.shape[2]]
      return Convolution(name: name, layer: conv, geometry: conv.geometry(forInputShape: shape))
    }
  }

  /// Median milliseconds of each part of the convolutions, summed over the layers.
  struct Breakdown {
    var forwardGEMM = 0.0
    var im2col = 0.0
    var backwardGEMM = 0.0
    var col2im = 0.0
    var pointwiseCount = 0
  }

  /// Times, at each convolution's shape: the forward GEMM on a packed im2col matrix, the packing,
  /// the input-gradient GEMM `dY·Kᵀ`, and the col2im scatter (none for pointwise convolutions).
  static func convolutionBreakdown(_ convolutions: [Convolution], threads: Int) -> Breakdown {
    var result = Breakdown()
    var generator = SplitMix64(seed: 1)
    for c in convolutions {
      let g = c.geometry
      let (m, k, n) = (g.patchCount, g.patchLength, g.outputChannels)
      let x = generator.uniformTensor(g.inputShape)
      var cols = [Float](repeating: 0, count: m * k)
      var y = [Float](repeating: 0, count: m * n)
      var dx = [Float](repeating: 0, count: x.count)
      func time(_ body: () -> Void) -> Double {
        BenchmarkClock.measure(repetitions: 5, warmup: 1, singleThreaded: threads == 1, body).median
      }
      x.withUnsafeBufferPointer { xp in
        c.layer.kernel.withUnsafeBufferPointer { w in
          cols.withUnsafeMutableBufferPointer { colsBuffer in
            y.withUnsafeMutableBufferPointer { yp in
              dx.withUnsafeMutableBufferPointer { dxp in
                let (x, cp, dxp) = (
                  UnsafeSendable(xp.baseAddress!), UnsafeSendable(colsBuffer.baseAddress!), dxp
                )
                if g.isPointwise {
                  result.pointwiseCount += 1
                } else {
                  result.im2col += time {
                    Parallel.forEachChunk(of: m, chunks: threads) { rows in
                      Im2col.pack(
                        x.pointer, geometry: g, rows: rows, into: cp.pointer + rows.lowerBound * k)
                    }
                  }
                  result.col2im += time {
                    Im2col.accumulate(cp.pointer, geometry: g, rows: 0..<m, into: dxp.baseAddress!)
                  }
                }
                let a = g.isPointwise ? x.pointer : UnsafePointer(cp.pointer)
                result.forwardGEMM += time {
                  gemm(
                    m: m, n: n, k: k, a: a, lda: k, b: w.baseAddress!, ldb: n, c: yp.baseAddress!,
                    ldc: n, threads: threads)
                }
                result.backwardGEMM += time {
                  gemm(
                    .none, .transposed, m: m, n: k, k: n, a: yp.baseAddress!, lda: n,
                    b: w.baseAddress!, ldb: n,
                    c: cp.pointer, ldc: k, threads: threads)
                }
              }
            }
          }
        }
      }
    }
    return result
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
  static func printBreakdown(
    _ b: Breakdown, forward: Double, step: Double, flops: Double, convolutions: Int
  ) {
    print(
      String(
        format:
          "  forward %.1f ms = GEMM %.1f ms (%.0f GFLOP/s) + im2col %.1f ms + the rest %.1f ms",
        forward, b.forwardGEMM, flops / (b.forwardGEMM * 1e6), b.im2col,
        forward - b.forwardGEMM - b.im2col))
    print(
      String(
        format:
          "  input gradient %.1f ms = GEMM %.1f ms (%.0f GFLOP/s) + col2im %.1f ms + the rest %.1f ms",
        step - forward, b.backwardGEMM, flops / (b.backwardGEMM * 1e6), b.col2im,
        step - forward - b.backwardGEMM - b.col2im))
    print(
      "  (\(b.pointwiseCount) of \(convolutions) convolutions are 1x1 stride 1: no im2col, no col2im)"
    )
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

  /// `/proc/loadavg`'s first three fields.
  static func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?"
    return text.split(separator: " ").prefix(3).joined(separator: " ")
  }
}
