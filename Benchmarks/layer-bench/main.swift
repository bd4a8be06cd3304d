// layer-bench: forward and backward time of every FaceNets layer type at the shapes of
// keras-vggface ResNet-50 (224x224, batch 1), as GFLOP/s, plus the whole network through `Network`.
//
//   swift run -c release layer-bench                 # the environment as it is
//   env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE swift run -c release layer-bench
//   swift run -c release layer-bench conv layers network   # choose sections (default: all)
//   FACEADVERSARY_THREADS=1 swift run -c release layer-bench   # one thread, timed in thread CPU
//                                                             # time (steady on a shared machine)
//
// FLOP counts: convolution 2·M·N·K per pass (M = OH·OW, N = OC, K = KH·KW·C); dense 2·in·out;
// batch norm 2 per element (multiply, add); ReLU and Add 1 per element; pooling one operation per
// window tap (Add's backward passes dy through without arithmetic: no rate). "bwd input" is the
// pullback with `GradientScope.input` (no kernel gradient); "bwd+par" adds the kernel/bias
// (gamma/beta) gradients. "in/(fwd+c2i)" is a convolution's input backward over its forward plus
// its col2im alone (1x1 stride-1 convolutions have no col2im).

import FaceNets
import FaceTensor
import FaceTestSupport
import Foundation

var generator = SplitMix64(seed: 2024)
let threads = ComputeThreads.count
let arguments = Set(CommandLine.arguments.dropFirst())
let sections = arguments.isEmpty ? ["conv", "layers", "network"] : arguments
BenchmarkReport.printHeader("layer-bench: keras-vggface ResNet-50 shapes, 224x224, batch 1")
print(
  "times: \(threads == 1 ? "thread CPU time (1 thread)" : "wall clock"); "
    + "load average at start: \(BenchmarkReport.loadAverage()); sections: \(sections.sorted().joined(separator: ", "))"
)

// MARK: - Convolutions

let uses = ResNet50Shapes.layerUses
var convCounts: [ConvolutionShape: Int] = [:]
var convOrder: [ConvolutionShape] = []
for case .conv(let c) in uses {
  if convCounts[c] == nil { convOrder.append(c) }
  convCounts[c, default: 0] += 1
}

if sections.contains("conv") {
  print(
    "\nConvolutions (median ms and GFLOP/s; gemm = the forward GEMM alone on a packed im2col matrix)"
  )
  print(
    pad("shape", 28) + "  n" + "   fwd ms  GF/s" + "  gemm ms  GF/s" + "  bwdIn ms  GF/s"
      + " col2im ms"
      + " in/(fwd+c2i)" + " bwd+par ms")
  var convTotals = (forward: 0.0, gemm: 0.0, backwardInput: 0.0, backwardAll: 0.0, flops: 0.0)
  for c in convOrder {
    let count = Double(convCounts[c] ?? 0)
    let x = generator.uniformTensor([1, c.inputSize, c.inputSize, c.inputChannels])
    let layer = Conv2D(
      kernel: generator.uniformTensor(
        [c.kernel, c.kernel, c.inputChannels, c.outputChannels], in: -0.1...0.1),
      bias: nil, strides: (c.stride, c.stride), padding: c.padding)
    let g = layer.geometry(forInputShape: x.shape)
    let flops = Double(g.flops)
    let forward = time { _ = layer(x) }
    // The forward GEMM alone, on an im2col matrix packed beforehand.
    let packed = PackedConvolutionGEMM(input: x, kernel: layer.kernel, geometry: g)
    let gemmOnly = time { packed.run() }
    var dx = [Float](repeating: 0, count: x.count)
    let col2im = packed.columns.withUnsafeBufferPointer { dCols in
      dx.withUnsafeMutableBufferPointer { d in
        time {
          Im2col.accumulate(
            dCols.baseAddress!, geometry: g, rows: 0..<g.patchCount, into: d.baseAddress!)
        }
      }
    }
    let dy = generator.uniformTensor(g.outputShape)
    let (_, inputOnly) = layer.valueWithPullback(at: x, scope: .input)
    let backwardInput = time { _ = inputOnly(dy) }
    let (_, full) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
    let backwardAll = time { _ = full(dy) }
    let col2imPart = g.isPointwise ? 0 : col2im.median
    print(
      pad(c.label, 28) + String(format: "%3d", Int(count)) + column(forward.median, 3, width: 9)
        + column(forward.gflops(flops), 0, width: 6) + column(gemmOnly.median, 3, width: 9)
        + column(gemmOnly.gflops(flops), 0, width: 6) + column(backwardInput.median, 3, width: 10)
        + column(backwardInput.gflops(flops), 0, width: 6) + column(col2imPart, 3, width: 10)
        + column(backwardInput.median / (forward.median + col2imPart), 2, width: 13)
        + column(backwardAll.median, 3, width: 11))
    convTotals.forward += count * forward.median
    convTotals.gemm += count * gemmOnly.median
    convTotals.backwardInput += count * backwardInput.median
    convTotals.backwardAll += count * backwardAll.median
    convTotals.flops += count * flops
  }
  print(
    "all 53 convolutions: forward \(column(convTotals.forward, 1, width: 0)) ms "
      + "(\(column(convTotals.flops / (convTotals.forward * 1e6), 0, width: 0)) GF/s), "
      + "GEMMs alone \(column(convTotals.gemm, 1, width: 0)) ms "
      + "(\(column(convTotals.flops / (convTotals.gemm * 1e6), 0, width: 0)) GF/s), "
      + "input backward \(column(convTotals.backwardInput, 1, width: 0)) ms "
      + "(\(column(convTotals.flops / (convTotals.backwardInput * 1e6), 0, width: 0)) GF/s), "
      + "input+parameter backward \(column(convTotals.backwardAll, 1, width: 0)) ms "
      + "(\(column(2 * convTotals.flops / (convTotals.backwardAll * 1e6), 0, width: 0)) GF/s); "
      + "\(column(convTotals.flops / 1e9, 2, width: 0)) GFLOP per pass")
}

// MARK: - Other layer types

/// Times one layer at one shape: forward, in-place forward (if any), both pullbacks.
@MainActor func measureLayer(_ layer: some Layer, input x: Tensor)
  -> (forward: Timing, inPlace: Timing?, backwardInput: Timing, backwardAll: Timing)
{
  let forward = time { _ = layer(x) }
  var inPlace: Timing?
  if let l = layer as? any InPlaceLayer {
    var scratch = x
    inPlace = time { l.applyInPlace(&scratch) }
  }
  let (y, inputOnly) = layer.valueWithPullback(at: x, scope: .input)
  let dy = generator.uniformTensor(y.shape)
  let backwardInput = time { _ = inputOnly(dy) }
  let (_, full) = layer.valueWithPullback(at: x, scope: .inputAndParameters)
  let backwardAll = time { _ = full(dy) }
  return (forward, inPlace, backwardInput, backwardAll)
}

struct TypeTotals {
  var count = 0
  var forward = 0.0
  var inPlace = 0.0
  var backwardInput = 0.0
  var backwardAll = 0.0
  var flops = 0.0
}
if sections.contains("layers") {
  var totals: [String: TypeTotals] = [:]
  var measured: [ResNet50Shapes.LayerUse: (Timing, Timing?, Timing, Timing)] = [:]
  let typeOrder = [
    "BatchNorm", "ReLU", "Add", "MaxPool2D 3x3/2", "AvgPool2D 7x7", "Dense 2048->8631",
  ]
  for use in uses {
    let kind: String
    let flops: Double
    let timing: (Timing, Timing?, Timing, Timing)
    switch use {
    case .conv: continue
    case .batchNorm(let shape):
      kind = "BatchNorm"
      flops = 2 * Double(shape.reduce(1, *))
      let c = shape[3]
      timing =
        measured[use]
        ?? measureLayer(
          BatchNorm(
            gamma: generator.uniformTensor([c]), beta: generator.uniformTensor([c]),
            movingMean: generator.uniformTensor([c]),
            movingVariance: generator.uniformTensor([c], in: 0.5...2),
            epsilon: 1e-3), input: generator.uniformTensor(shape))
    case .relu(let shape):
      kind = "ReLU"
      flops = Double(shape.reduce(1, *))
      timing = measured[use] ?? measureLayer(ReLU(), input: generator.uniformTensor(shape))
    case .add(let shape):
      kind = "Add"
      flops = Double(shape.reduce(1, *))
      let inputs = [generator.uniformTensor(shape), generator.uniformTensor(shape)]
      if let t = measured[use] {
        timing = t
      } else {
        let forward = time { _ = Add()(inputs) }
        let (_, pullback) = Add().valueWithPullback(at: inputs)
        let dy = generator.uniformTensor(shape)
        let backward = time { _ = pullback(dy) }
        timing = (forward, nil, backward, backward)
      }
    case .maxPool(let shape):
      kind = "MaxPool2D 3x3/2"
      let layer = MaxPool2D(window: (3, 3), strides: (2, 2))
      flops = 9 * Double(layer.geometry(forInputShape: shape).outputShape.reduce(1, *))
      timing = measured[use] ?? measureLayer(layer, input: generator.uniformTensor(shape))
    case .avgPool(let shape):
      kind = "AvgPool2D 7x7"
      flops = Double(shape.reduce(1, *))
      timing =
        measured[use]
        ?? measureLayer(AvgPool2D(window: (7, 7)), input: generator.uniformTensor(shape))
    case .dense(let inputs, let outputs):
      kind = "Dense 2048->8631"
      flops = 2 * Double(inputs * outputs)
      timing =
        measured[use]
        ?? measureLayer(
          Dense(
            kernel: generator.uniformTensor([inputs, outputs], in: -0.05...0.05),
            bias: generator.uniformTensor([outputs])),
          input: generator.uniformTensor([1, inputs]))
    }
    measured[use] = timing
    var t = totals[kind, default: TypeTotals()]
    t.count += 1
    t.forward += timing.0.median
    t.inPlace += (timing.1 ?? timing.0).median
    t.backwardInput += timing.2.median
    t.backwardAll += timing.3.median
    t.flops += flops
    totals[kind] = t
  }
  print("\nOther layers, summed over their uses in ResNet-50 (median ms, GFLOP/s)")
  print(
    pad("layer", 18) + "  n" + "   fwd ms  GF/s" + " inplace ms" + "  bwdIn ms  GF/s"
      + " bwd+par ms")
  for kind in typeOrder {
    guard let t = totals[kind] else { continue }
    print(
      pad(kind, 18) + String(format: "%3d", t.count) + column(t.forward, 3, width: 9)
        + column(t.flops / (t.forward * 1e6), 1, width: 6) + column(t.inPlace, 3, width: 11)
        + column(t.backwardInput, 3, width: 10)
        + (kind == "Add" ? "     -" : column(t.flops / (t.backwardInput * 1e6), 1, width: 6))
        + column(t.backwardAll, 3, width: 11))
  }
  let otherForward = totals.values.reduce(0) { $0 + $1.inPlace }
  let otherBackward = totals.values.reduce(0) { $0 + $1.backwardInput }
  print(
    "non-convolution layers: forward \(column(otherForward, 1, width: 0)) ms (elementwise in place), "
      + "input backward \(column(otherBackward, 1, width: 0)) ms")
}

// MARK: - The whole network

if sections.contains("network") {
  let network = ResNet50Shapes.network(seed: 7)
  let image = generator.uniformTensor([1, 224, 224, 3], in: -100...100)
  let inference = BenchmarkClock.measure(repetitions: 10, warmup: 2, singleThreaded: threads == 1) {
    _ = network(image)
  }
  let seedGradient = generator.uniformTensor([1, 8631])
  let attackStep = BenchmarkClock.measure(repetitions: 10, warmup: 2, singleThreaded: threads == 1)
  {
    let (_, pullback) = network.valueWithPullback(at: image, scope: .input)
    _ = pullback([seedGradient])
  }
  let trainingStep = BenchmarkClock.measure(repetitions: 5, warmup: 1, singleThreaded: threads == 1)
  {
    let (_, pullback) = network.valueWithPullback(at: image, scope: .inputAndParameters)
    _ = pullback([seedGradient])
  }
  print("\nResNet-50 through Network (\(network.layerNames.count) layers), batch 1:")
  print(
    "  forward (inference)             median \(column(inference.median, 1, width: 0)) ms, "
      + "min \(column(inference.minimum, 1, width: 0)) ms")
  print(
    "  forward + input gradient        median \(column(attackStep.median, 1, width: 0)) ms, "
      + "min \(column(attackStep.minimum, 1, width: 0)) ms")
  print(
    "  forward + all gradients         median \(column(trainingStep.median, 1, width: 0)) ms, "
      + "min \(column(trainingStep.minimum, 1, width: 0)) ms")
}
print("peak RSS: \(Int(BenchmarkClock.peakResidentMiB())) MiB")
