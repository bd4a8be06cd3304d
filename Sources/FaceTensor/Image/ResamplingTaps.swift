/// A 1-D linear resampling as a sparse matrix in compressed rows.
///
/// Output `i` is `sum(weights[k] * input[sources[k]])` for `k` in `rowStart[i]..<rowStart[i + 1]`.
/// A 2-D resize applies one along y and one along x (separable), and its pullback applies the
/// transposes.
struct ResamplingTaps {
  /// The number of input positions.
  let sourceCount: Int
  /// `rowStart[i]..<rowStart[i + 1]` are the taps of output `i`; `count + 1` entries.
  private(set) var rowStart: [Int] = [0]
  private(set) var sources: [Int] = []
  private(set) var weights: [Double] = []

  /// The number of output positions.
  var count: Int { rowStart.count - 1 }

  init(sourceCount: Int) { self.sourceCount = sourceCount }

  /// Appends an output position whose value is `sum(weight * input[source])` over `taps`.
  mutating func appendOutput(_ taps: [(source: Int, weight: Double)]) {
    for tap in taps {
      sources.append(tap.source)
      weights.append(tap.weight)
    }
    rowStart.append(sources.count)
  }

  /// The transposed resampling (input and output exchanged), for pullbacks.
  func transposed() -> ResamplingTaps {
    var incoming = [[(source: Int, weight: Double)]](repeating: [], count: sourceCount)
    for i in 0..<count {
      for k in rowStart[i]..<rowStart[i + 1] {
        incoming[sources[k]].append((i, weights[k]))
      }
    }
    var result = ResamplingTaps(sourceCount: count)
    for taps in incoming { result.appendOutput(taps) }
    return result
  }

  /// The taps of OpenCV's kernel for floating-point data, per axis.
  ///
  /// They reproduce `cv::resize`'s float and double paths: box weights 1 along x and `1/(fx*fy)` (a float)
  /// along y; area weights and linear weights as OpenCV's float tables; along y the linear rows
  /// are clamped when read (so both taps may name the same row).
  static func axes(of kernel: OpenCVResizeKernel, sourceWidth: Int, sourceHeight: Int)
    -> (x: ResamplingTaps, y: ResamplingTaps)
  {
    switch kernel {
    case .copy:
      return (identity(sourceWidth), identity(sourceHeight))
    case .areaBox(let factorX, let factorY):
      let scale = Double(1 / Float(factorX * factorY))
      return (
        box(sourceCount: sourceWidth, factor: factorX, weight: 1),
        box(sourceCount: sourceHeight, factor: factorY, weight: scale)
      )
    case .areaWeighted(let x, let y):
      return (area(x, sourceCount: sourceWidth), area(y, sourceCount: sourceHeight))
    case .linear(let x, let y):
      return (linear(x, sourceCount: sourceWidth), linear(y, sourceCount: sourceHeight))
    }
  }

  private static func identity(_ count: Int) -> ResamplingTaps {
    var taps = ResamplingTaps(sourceCount: count)
    for i in 0..<count { taps.appendOutput([(i, 1)]) }
    return taps
  }

  private static func box(sourceCount: Int, factor: Int, weight: Double) -> ResamplingTaps {
    var taps = ResamplingTaps(sourceCount: sourceCount)
    for i in 0..<(sourceCount / factor) {
      taps.appendOutput(((i * factor)..<((i + 1) * factor)).map { ($0, weight) })
    }
    return taps
  }

  private static func area(_ table: [OpenCVResizeKernel.AreaTap], sourceCount: Int)
    -> ResamplingTaps
  {
    var taps = ResamplingTaps(sourceCount: sourceCount)
    var start = 0
    while start < table.count {
      var end = start
      while end < table.count && table[end].destination == table[start].destination { end += 1 }
      taps.appendOutput(table[start..<end].map { ($0.source, Double($0.weight)) })
      start = end
    }
    return taps
  }

  private static func linear(_ axis: OpenCVResizeKernel.LinearAxis, sourceCount: Int)
    -> ResamplingTaps
  {
    var taps = ResamplingTaps(sourceCount: sourceCount)
    for i in 0..<axis.first.count {
      let first = axis.first[i]
      if i >= axis.singleTapStart {
        taps.appendOutput([(first, 1)])
      } else {
        taps.appendOutput([
          (min(max(first, 0), sourceCount - 1), Double(axis.weight0[i])),
          (min(max(first + 1, 0), sourceCount - 1), Double(axis.weight1[i])),
        ])
      }
    }
    return taps
  }
}
