extension RGBImage {
  /// The image resized to `width x height` pixels exactly as OpenCV's `cv2.resize`.
  ///
  /// The output is bit-identical to `cv2.resize(image, (width, height), interpolation=...)` on
  /// an 8-bit 3-channel array, including OpenCV's integer arithmetic (see `ResizeMethod`):
  /// - integer area factors: block sum times `1/(fx*fy)` in float, rounded half to even, except
  ///   an exact 2x2 halving, which is `(a + b + c + d + 2) >> 2`;
  /// - other shrinking area factors: float32 weighted sums in OpenCV's order, rounded half to
  ///   even (`saturate_cast<uchar>`);
  /// - linear (bilinear, and area when enlarging): weights in 11-bit fixed point, a horizontal
  ///   pass in integers (`s0 * w0 + s1 * w1`), and OpenCV's vertical step
  ///   `(((b0 * (h0 >> 4)) >> 16) + ((b1 * (h1 >> 4)) >> 16) + 2) >> 2`.
  ///
  /// - Precondition: this image and the new size are non-empty.
  public func resized(width newWidth: Int, height newHeight: Int, method: ResizeMethod) -> RGBImage
  {
    let kernel = OpenCVResizeKernel(
      sourceWidth: width, sourceHeight: height, width: newWidth, height: newHeight,
      method: method)
    var result = RGBImage(width: newWidth, height: newHeight)
    pixels.withUnsafeBufferPointer { source in
      result.pixels.withUnsafeMutableBufferPointer { output in
        let input = EightBitImage(pixels: source, width: width, height: height)
        switch kernel {
        case .copy:
          _ = output.initialize(from: source)
        case .areaBox(let factorX, let factorY):
          input.areaBox(factorX: factorX, factorY: factorY, into: output, width: newWidth)
        case .areaWeighted(let x, let y):
          input.areaWeighted(x: x, y: y, into: output, width: newWidth)
        case .linear(let x, let y):
          input.linear(x: x, y: y, into: output, width: newWidth)
        }
      }
    }
    return result
  }
}

/// A read-only view of 8-bit RGB pixels and OpenCV's three 8-bit resize kernels over it.
///
/// Each kernel writes output rows in parallel chunks; every output value depends only on its own
/// inputs, so the split does not change any result.
private struct EightBitImage {
  let pixels: UnsafeBufferPointer<UInt8>
  let width: Int
  let height: Int

  private static let channels = 3

  /// `saturate_cast<uchar>(float)`: round half to even, then clamp.
  private static func saturate(_ value: Float) -> UInt8 {
    UInt8(clamping: Int(value.rounded(.toNearestOrEven)))
  }

  /// `resizeAreaFast_<uchar, int>` (with `ResizeAreaFastVec` for the 2x2 case).
  func areaBox(
    factorX: Int, factorY: Int, into output: UnsafeMutableBufferPointer<UInt8>, width outWidth: Int
  ) {
    let rowLength = outWidth * Self.channels
    let outHeight = output.count / rowLength
    let scale = 1 / Float(factorX * factorY)
    let halving = factorX == 2 && factorY == 2
    Parallel.forEachChunk(of: outHeight) { rows in
      for dy in rows {
        for dx in 0..<outWidth {
          for c in 0..<Self.channels {
            var sum = 0
            for sy in (dy * factorY)..<((dy + 1) * factorY) {
              let row = sy * width
              for sx in (dx * factorX)..<((dx + 1) * factorX) {
                sum += Int(pixels[(row + sx) * Self.channels + c])
              }
            }
            output[dy * rowLength + dx * Self.channels + c] =
              halving ? UInt8((sum + 2) >> 2) : Self.saturate(Float(sum) * scale)
          }
        }
      }
    }
  }

  /// `ResizeArea_Invoker<uchar, float>`: for each y tap in order, a float row `buf` of x-weighted
  /// sums; rows are accumulated into `sum` with their y weight and stored when the output row
  /// changes.
  ///
  /// A source row shared by two output rows is x-weighted once (the same floats).
  func areaWeighted(
    x: [OpenCVResizeKernel.AreaTap], y: [OpenCVResizeKernel.AreaTap],
    into output: UnsafeMutableBufferPointer<UInt8>, width outWidth: Int
  ) {
    let rowLength = outWidth * Self.channels
    let outHeight = output.count / rowLength
    // The y taps of output row d are y[firstTap[d]..<firstTap[d + 1]].
    var firstTap = [Int](repeating: y.count, count: outHeight + 1)
    for (k, tap) in y.enumerated().reversed() { firstTap[tap.destination] = k }
    // The x taps as offsets into a row of floats, in OpenCV's order.
    let targets = x.map { $0.destination * Self.channels }
    let sources = x.map { $0.source * Self.channels }
    let weights = x.map(\.weight)
    Parallel.forEachChunk(of: outHeight) { rows in
      let buffer = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
      let sum = UnsafeMutablePointer<Float>.allocate(capacity: rowLength)
      defer {
        buffer.deallocate()
        sum.deallocate()
      }
      sum.initialize(repeating: 0, count: rowLength)
      var bufferedRow = -1
      var current = rows.lowerBound
      targets.withUnsafeBufferPointer { targets in
        sources.withUnsafeBufferPointer { sources in
          weights.withUnsafeBufferPointer { weights in
            for k in firstTap[rows.lowerBound]..<firstTap[rows.upperBound] {
              let beta = y[k].weight
              if y[k].source != bufferedRow {
                bufferedRow = y[k].source
                let row = pixels.baseAddress! + bufferedRow * width * Self.channels
                buffer.update(repeating: 0, count: rowLength)
                // The taps of one output pixel are consecutive: sum them in registers, in
                // order, starting from the buffer's 0 (the same float operations as OpenCV's).
                var t = 0
                while t < targets.count {
                  let target = targets[t]
                  var (sum0, sum1, sum2): (Float, Float, Float) = (0, 0, 0)
                  repeat {
                    let source = row + sources[t]
                    let alpha = weights[t]
                    sum0 = sum0 + Float(source[0]) * alpha
                    sum1 = sum1 + Float(source[1]) * alpha
                    sum2 = sum2 + Float(source[2]) * alpha
                    t += 1
                  } while t < targets.count && targets[t] == target
                  buffer[target] = sum0
                  buffer[target + 1] = sum1
                  buffer[target + 2] = sum2
                }
              }
              if y[k].destination != current {
                let stored = output.baseAddress! + current * rowLength
                for i in 0..<rowLength {
                  stored[i] = Self.saturate(sum[i])
                  sum[i] = beta * buffer[i]
                }
                current = y[k].destination
              } else {
                for i in 0..<rowLength { sum[i] += beta * buffer[i] }
              }
            }
          }
        }
      }
      let stored = output.baseAddress! + current * rowLength
      for i in 0..<rowLength { stored[i] = Self.saturate(sum[i]) }
    }
  }

  /// `resizeGeneric_` with `HResizeLinear<uchar, int, short, 2048>` and the 8-bit
  /// `VResizeLinear` specialisation.
  func linear(
    x: OpenCVResizeKernel.LinearAxis, y: OpenCVResizeKernel.LinearAxis,
    into output: UnsafeMutableBufferPointer<UInt8>, width outWidth: Int
  ) {
    let rowLength = outWidth * Self.channels
    let outHeight = output.count / rowLength
    let (alpha0, alpha1) = x.fixedPointWeights
    let (beta0, beta1) = y.fixedPointWeights

    /// The horizontal pass of source row `sy`, in fixed point (weights sum to 2048).
    func horizontal(_ sy: Int, into row: inout [Int32]) {
      let start = sy * width * Self.channels
      for dx in 0..<outWidth {
        let s = start + x.first[dx] * Self.channels
        for c in 0..<Self.channels {
          let s0 = Int32(pixels[s + c])
          row[dx * Self.channels + c] =
            dx < x.singleTapStart
            ? s0 * alpha0[dx] + Int32(pixels[s + Self.channels + c]) * alpha1[dx] : s0 * 2048
        }
      }
    }

    Parallel.forEachChunk(of: outHeight) { rows in
      // The two source rows computed last (OpenCV's `prev_sy` cache): source row indices only
      // grow with dy, so a new row replaces the older one, never the one still needed.
      var index = [-1, -1]
      var cached = [[Int32]](repeating: [Int32](repeating: 0, count: rowLength), count: 2)
      func load(_ sy: Int, keeping kept: Int?) -> Int {
        if let slot = index.firstIndex(of: sy) { return slot }
        let slot = kept.map { 1 - $0 } ?? (index[0] <= index[1] ? 0 : 1)
        index[slot] = sy
        horizontal(sy, into: &cached[slot])
        return slot
      }
      for dy in rows {
        let sy = y.first[dy]
        let slot0 = load(min(max(sy, 0), height - 1), keeping: nil)
        let slot1 = load(min(max(sy + 1, 0), height - 1), keeping: slot0)
        let (row0, row1) = (cached[slot0], cached[slot1])
        let (b0, b1) = (beta0[dy], beta1[dy])
        for i in 0..<rowLength {
          let value = (((b0 * (row0[i] >> 4)) >> 16) + ((b1 * (row1[i] >> 4)) >> 16) + 2) >> 2
          output[dy * rowLength + i] = UInt8(clamping: value)
        }
      }
    }
  }
}
