/// The algorithm `cv::resize` picks for a size change, with its coefficient tables.
///
/// The tables are computed with OpenCV's own arithmetic (double for positions, float for
/// weights, then 11-bit fixed point for 8-bit data). Names follow imgproc/src/resize.cpp:
/// `resizeAreaFast_`, `resizeArea_` with `computeResizeAreaTab`, and `resizeGeneric_` with
/// `HResizeLinear` / `VResizeLinear`.
enum OpenCVResizeKernel {
  /// Same size: a copy.
  case copy
  /// `resizeAreaFast_`: both factors are integers; each output is the mean of a
  /// `factorX x factorY` block.
  case areaBox(factorX: Int, factorY: Int)
  /// `resizeArea_`: fractional-overlap weights per axis (from `computeResizeAreaTab`).
  case areaWeighted(x: [AreaTap], y: [AreaTap])
  /// `resizeGeneric_` with 2-tap linear weights (INTER_LINEAR, and INTER_AREA when enlarging).
  case linear(x: LinearAxis, y: LinearAxis)

  /// One term of an area weight table: output `destination` gets `weight * source`.
  struct AreaTap {
    var destination: Int
    var source: Int
    var weight: Float
  }

  /// One axis of 2-tap linear resampling: output `i` is
  /// `weight0[i] * s[first[i]] + weight1[i] * s[first[i] + 1]`.
  struct LinearAxis {
    /// The first source index of each output.
    ///
    /// Along x it is clamped to the image (with `weight1 = 0` where clamped); along y it may be
    /// -1 or the last row, and the rows are clamped when read, as OpenCV does.
    var first: [Int]
    var weight0: [Float]
    var weight1: [Float]
    /// Outputs from this index on (x only) read one pixel, `s[first[i]]`, with weight 1
    /// (OpenCV's `xmax`).
    var singleTapStart: Int

    /// `weight0` and `weight1` in OpenCV's 8-bit fixed point: `round(w * 2048)` to nearest even,
    /// as `saturate_cast<short>(w * INTER_RESIZE_COEF_SCALE)`.
    var fixedPointWeights: (w0: [Int32], w1: [Int32]) {
      (weight0.map(LinearAxis.fixedPoint), weight1.map(LinearAxis.fixedPoint))
    }

    private static func fixedPoint(_ weight: Float) -> Int32 {
      Int32(Int16(clamping: Int((weight * 2048).rounded(.toNearestOrEven))))
    }
  }

  /// The kernel `cv2.resize` uses to turn a `sourceWidth x sourceHeight` image into
  /// `width x height` with `method`.
  /// - Precondition: all sizes are at least 1.
  init(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int, method: ResizeMethod) {
    precondition(
      sourceWidth > 0 && sourceHeight > 0 && width > 0 && height > 0,
      "[resize] sizes must be positive: \(sourceWidth)x\(sourceHeight) -> \(width)x\(height)")
    if width == sourceWidth && height == sourceHeight {
      self = .copy
      return
    }
    let inverseScaleX = Double(width) / Double(sourceWidth)
    let inverseScaleY = Double(height) / Double(sourceHeight)
    let scaleX = 1 / inverseScaleX
    let scaleY = 1 / inverseScaleY
    let factorX = Int(scaleX.rounded(.toNearestOrEven))
    let factorY = Int(scaleY.rounded(.toNearestOrEven))
    let integerFactors =
      abs(scaleX - Double(factorX)) < Double.ulpOfOne
      && abs(scaleY - Double(factorY)) < Double.ulpOfOne

    // "in case of scale_x && scale_y is equal to 2, INTER_AREA (fast) also is equal to
    // INTER_LINEAR": OpenCV runs the box average for an exact halving.
    let area = method == .area || (integerFactors && factorX == 2 && factorY == 2)
    if area && scaleX >= 1 && scaleY >= 1 {
      if integerFactors {
        self = .areaBox(factorX: factorX, factorY: factorY)
      } else {
        self = .areaWeighted(
          x: Self.areaTaps(sourceCount: sourceWidth, count: width, scale: scaleX),
          y: Self.areaTaps(sourceCount: sourceHeight, count: height, scale: scaleY))
      }
      return
    }
    self = .linear(
      x: Self.linearAxis(
        sourceCount: sourceWidth, count: width, scale: scaleX, inverseScale: inverseScaleX,
        areaMode: area, clampsEdges: true),
      y: Self.linearAxis(
        sourceCount: sourceHeight, count: height, scale: scaleY, inverseScale: inverseScaleY,
        areaMode: area, clampsEdges: false))
  }

  /// `computeResizeAreaTab`: the source cells each output cell overlaps, weighted by overlap
  /// divided by the cell width (fractions below 1e-3 dropped).
  static func areaTaps(sourceCount: Int, count: Int, scale: Double) -> [AreaTap] {
    var taps: [AreaTap] = []
    taps.reserveCapacity(sourceCount * 2)
    for d in 0..<count {
      let start = Double(d) * scale
      let end = start + scale
      let cellWidth = min(scale, Double(sourceCount) - start)
      var firstWhole = Int(start.rounded(.up))
      let lastWhole = min(Int(end.rounded(.down)), sourceCount - 1)
      firstWhole = min(firstWhole, lastWhole)
      if Double(firstWhole) - start > 1e-3 {
        taps.append(
          AreaTap(
            destination: d, source: firstWhole - 1,
            weight: Float((Double(firstWhole) - start) / cellWidth)))
      }
      for s in stride(from: firstWhole, to: lastWhole, by: 1) {
        taps.append(AreaTap(destination: d, source: s, weight: Float(1 / cellWidth)))
      }
      if end - Double(lastWhole) > 1e-3 {
        taps.append(
          AreaTap(
            destination: d, source: lastWhole,
            weight: Float(min(min(end - Double(lastWhole), 1), cellWidth) / cellWidth)))
      }
    }
    return taps
  }

  /// The `xofs`/`alpha` (or `yofs`/`beta`) tables of `cv::hal::resize` for ksize 2.
  static func linearAxis(
    sourceCount: Int, count: Int, scale: Double, inverseScale: Double, areaMode: Bool,
    clampsEdges: Bool
  ) -> LinearAxis {
    var axis = LinearAxis(
      first: [], weight0: [], weight1: [], singleTapStart: count)
    for d in 0..<count {
      var s: Int
      var f: Float
      if areaMode {
        s = Int((Double(d) * scale).rounded(.down))
        f = Float(Double(d + 1) - Double(s + 1) * inverseScale)
        f = f <= 0 ? 0 : f - f.rounded(.down)
      } else {
        f = Float((Double(d) + 0.5) * scale - 0.5)
        s = Int(f.rounded(.down))
        f -= Float(s)
      }
      if clampsEdges {
        if s < 0 {
          (s, f) = (0, 0)
        }
        if s + 1 >= sourceCount {
          axis.singleTapStart = min(axis.singleTapStart, d)
          if s >= sourceCount - 1 {
            (s, f) = (sourceCount - 1, 0)
          }
        }
      }
      axis.first.append(s)
      axis.weight0.append(1 - f)
      axis.weight1.append(f)
    }
    return axis
  }
}
