/// im2col and its adjoint col2im for NHWC inputs, one block of patch rows at a time.
///
/// The im2col matrix of a convolution has one row per output pixel, `r = (n * OH + oh) * OW + ow`,
/// and `KH * KW * C` columns ordered `(kh, kw, c)`: exactly the row order of an HWIO kernel viewed as
/// a `[KH*KW*C, OC]` matrix, so `cols · kernel` is the NHWC output with no transposes.
public enum Im2col {
  /// Writes rows `rows` of the im2col matrix of `input` into `cols`.
  ///
  /// `cols` is row-major, `geometry.patchLength` floats per row, the first written row at `cols`.
  /// Padding positions are written as zero.
  ///
  /// - Parameters:
  ///   - input: `[N, H, W, C]` values.
  ///   - cols: room for `rows.count * KH * KW * C` floats.
  public static func pack(
    _ input: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>
  ) {
    if g.padTop == 0 && g.padBottom == 0 && g.padLeft == 0 && g.padRight == 0
      && g.dilationY == 1 && g.dilationX == 1
    {
      packUnpadded(input, geometry: g, rows: rows, into: cols)
      return
    }
    forEachWindowRun(geometry: g, rows: rows) { colOffset, inputOffset, length in
      if let inputOffset {
        (cols + colOffset).update(from: input + inputOffset, count: length)
      } else {
        (cols + colOffset).update(repeating: 0, count: length)
      }
    }
  }

  /// `pack` for a convolution without padding or dilation, where every patch row is `KH` runs of
  /// `KW·C` consecutive input floats: a loop without per-row divisions or bounds checks, copying
  /// the short runs (9 floats for a 3x3 kernel on RGB) inline rather than through `memmove`.
  private static func packUnpadded(
    _ input: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
    into cols: UnsafeMutablePointer<Float>
  ) {
    guard !rows.isEmpty else { return }
    let run = g.kernelWidth * g.inputChannels
    let inputRow = g.inputWidth * g.inputChannels
    let pixelsPerImage = g.outputHeight * g.outputWidth
    var n = rows.lowerBound / pixelsPerImage
    var oh = (rows.lowerBound - n * pixelsPerImage) / g.outputWidth
    var ow = rows.lowerBound - n * pixelsPerImage - oh * g.outputWidth
    var target = cols
    for _ in rows {
      var source =
        input + ((n * g.inputHeight + oh * g.strideY) * g.inputWidth + ow * g.strideX)
        * g.inputChannels
      for _ in 0..<g.kernelHeight {
        copyShortRun(run, from: source, to: target)
        source += inputRow
        target += run
      }
      ow += 1
      if ow == g.outputWidth {
        ow = 0
        oh += 1
        if oh == g.outputHeight {
          oh = 0
          n += 1
        }
      }
    }
  }

  /// Copies `count` floats four at a time, then one at a time.
  @inline(__always)
  private static func copyShortRun(
    _ count: Int, from source: UnsafePointer<Float>, to target: UnsafeMutablePointer<Float>
  ) {
    let from = UnsafeRawPointer(source)
    let to = UnsafeMutableRawPointer(target)
    var i = 0
    while i &+ 4 <= count {
      to.storeBytes(
        of: from.loadUnaligned(fromByteOffset: i &* 4, as: SIMD4<Float>.self), toByteOffset: i &* 4,
        as: SIMD4<Float>.self)
      i &+= 4
    }
    while i < count {
      target[i] = source[i]
      i &+= 1
    }
  }

  /// Adds rows `rows` of an im2col-shaped matrix back onto the input positions they were read from
  /// (the adjoint of `pack`): `dx[position] += dCols[row, column]`; padding positions are dropped.
  ///
  /// - Parameters:
  ///   - dCols: `rows.count * KH * KW * C` floats, the first row at `dCols`.
  ///   - dx: `[N, H, W, C]` values, accumulated into.
  /// - NOTE: rows whose windows overlap write the same `dx` elements; concurrent callers must use
  ///   row blocks whose windows are disjoint.
  public static func accumulate(
    _ dCols: UnsafePointer<Float>, geometry g: Conv2DGeometry, rows: Range<Int>,
    into dx: UnsafeMutablePointer<Float>
  ) {
    forEachWindowRun(geometry: g, rows: rows) { colOffset, inputOffset, length in
      guard let inputOffset else { return }
      let src = dCols + colOffset
      let dst = dx + inputOffset
      for i in 0..<length { dst[i] += src[i] }
    }
  }

  /// Visits, for each row in `rows`, the runs of consecutive im2col columns that map to
  /// consecutive input floats (`inputOffset` non-nil) or to padding (`nil`).
  @inline(__always)
  private static func forEachWindowRun(
    geometry g: Conv2DGeometry, rows: Range<Int>,
    _ visit: (_ colOffset: Int, _ inputOffset: Int?, _ length: Int) -> Void
  ) {
    let c = g.inputChannels
    let k = g.patchLength
    let pixelsPerImage = g.outputHeight * g.outputWidth
    let runIsWholeKernelRow = g.dilationX == 1
    for r in rows {
      let n = r / pixelsPerImage
      let p = r - n * pixelsPerImage
      let oh = p / g.outputWidth
      let ow = p - oh * g.outputWidth
      let rowStart = (r - rows.lowerBound) * k
      let ih0 = oh * g.strideY - g.padTop
      let iw0 = ow * g.strideX - g.padLeft
      for kh in 0..<g.kernelHeight {
        let ih = ih0 + kh * g.dilationY
        let col = rowStart + kh * g.kernelWidth * c
        if ih < 0 || ih >= g.inputHeight {
          visit(col, nil, g.kernelWidth * c)
          continue
        }
        let imageRow = (n * g.inputHeight + ih) * g.inputWidth
        if runIsWholeKernelRow && iw0 >= 0 && iw0 + g.kernelWidth <= g.inputWidth {
          visit(col, (imageRow + iw0) * c, g.kernelWidth * c)
          continue
        }
        for kw in 0..<g.kernelWidth {
          let iw = iw0 + kw * g.dilationX
          if iw < 0 || iw >= g.inputWidth {
            visit(col + kw * c, nil, c)
          } else {
            visit(col + kw * c, (imageRow + iw) * c, c)
          }
        }
      }
    }
  }
}
