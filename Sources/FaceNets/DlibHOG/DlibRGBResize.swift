import FaceTensor

/// dlib's `resize_image` for RGB images with bilinear interpolation (interpolation.h, the
/// `rgb_pixel` overload), bit for bit: the resampling behind `pyramid_down<N>` for `N > 2` and
/// `pyramid_up`.
///
/// Source position of output pixel `(r, c)`: `y = r * yScale`, `x = c * xScale` with
/// `scale = (in - 1) / max(out - 1, 1)`; value `((1 - fy)((1 - fx) tl + fx tr) + fy((1 - fx) bl +
/// fx br))` of the four neighbours, truncated to 8 bits. dlib computes it in two ways, and so
/// does this port:
/// - in blocks of 4 columns from the left (dlib's SSE path), in `Float`: the column positions are
///   accumulated in `Float` (`x += 4 xScale` per block), the weights are products of `Float`
///   fractions and the value is `((tlw tl + trw tr) + blw bl) + brw br`;
/// - the remaining columns (from the first block whose last right neighbour would fall outside
///   the image), in `Double`, with `x` accumulated in `Double`.
/// The row position `y` is accumulated in `Double` (`y += yScale` per row).
enum DlibRGBResize {
  /// Where output column `c` reads: left neighbour, right neighbour and the weights of each.
  struct ColumnTap {
    let left: Int
    let right: Int
    /// `Float` fractions of the 4-column blocks; `nil` for columns done in `Double`.
    let floatFraction: Float?
    let doubleFraction: Double
  }

  /// `image` resized to `width x height`.
  /// - Precondition: `width, height >= 0`.
  static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
    precondition(width >= 0 && height >= 0, "[DlibRGBResize] negative size \(width)x\(height)")
    guard width > 0, height > 0, image.width > 0, image.height > 0 else {
      return RGBImage(width: width, height: height)
    }
    let taps = columnTaps(inputWidth: image.width, outputWidth: width)
    let yScale = Double(image.height - 1) / Double(max(height - 1, 1))
    // Row positions, accumulated as dlib does.
    var rows: [(top: Int, bottom: Int, fraction: Double)] = []
    rows.reserveCapacity(height)
    var y = -yScale
    for _ in 0..<height {
      y += yScale
      let top = Int(y.rounded(.down))
      rows.append((top, min(top + 1, image.height - 1), y - Double(top)))
    }
    var out = [UInt8](repeating: 0, count: width * height * 3)
    image.pixels.withUnsafeBufferPointer { source in
      out.withUnsafeMutableBufferPointer { target in
        let target = UnsafeSendable(target.baseAddress!)
        Parallel.forEachChunk(of: height) { range in
          for r in range {
            let (top, bottom, fy) = rows[r]
            let topRow = source.baseAddress! + top * image.width * 3
            let bottomRow = source.baseAddress! + bottom * image.width * 3
            let outRow = target.pointer + r * width * 3
            let fyFloat = Float(fy)
            let inverseFyFloat = Float(1 - fy)
            for c in 0..<width {
              let tap = taps[c]
              let (l, rr) = (tap.left * 3, tap.right * 3)
              if let fx = tap.floatFraction {
                let inverseFx = 1 - fx
                let tlw = inverseFyFloat * inverseFx
                let trw = inverseFyFloat * fx
                let blw = fyFloat * inverseFx
                let brw = fyFloat * fx
                for k in 0..<3 {
                  var sum = tlw * Float(topRow[l + k])
                  sum = sum + trw * Float(topRow[rr + k])
                  sum = sum + blw * Float(bottomRow[l + k])
                  sum = sum + brw * Float(bottomRow[rr + k])
                  outRow[c * 3 + k] = UInt8(truncatingIfNeeded: Int32(sum))
                }
              } else {
                let fx = tap.doubleFraction
                for k in 0..<3 {
                  let upper = (1 - fx) * Double(topRow[l + k]) + fx * Double(topRow[rr + k])
                  let lower = (1 - fx) * Double(bottomRow[l + k]) + fx * Double(bottomRow[rr + k])
                  let value = (1 - fy) * upper + fy * lower
                  outRow[c * 3 + k] = UInt8(truncatingIfNeeded: Int(value))
                }
              }
            }
          }
        }
      }
    }
    return RGBImage(width: width, height: height, pixels: out)
  }

  /// The source columns and fractions of every output column, as dlib's loop computes them.
  static func columnTaps(inputWidth: Int, outputWidth: Int) -> [ColumnTap] {
    let xScale = Double(inputWidth - 1) / Double(max(outputWidth - 1, 1))
    var taps: [ColumnTap] = []
    taps.reserveCapacity(outputWidth)
    // 4-column blocks in Float.
    let x = -4 * xScale
    var lanes = SIMD4<Float>(
      Float(x), Float(x + xScale), Float(x + 2 * xScale), Float(x + 3 * xScale))
    let step = Float(4 * xScale)
    var c = 0
    while true {
      lanes += SIMD4(repeating: step)
      let left = SIMD4<Int32>(lanes, rounding: .towardZero)  // as cvttps2dq
      if Int(left[3]) + 1 >= inputWidth { break }
      for k in 0..<4 where c + k < outputWidth {
        taps.append(
          ColumnTap(
            left: Int(left[k]), right: Int(left[k]) + 1,
            floatFraction: lanes[k] - Float(left[k]), doubleFraction: 0))
      }
      c += 4
      if c >= outputWidth { break }
    }
    // The rest in Double (dlib's block loop ends at the input's right edge, before or at the
    // output's).
    var xd = -xScale + Double(c) * xScale
    while c < outputWidth {
      xd += xScale
      let left = Int(xd.rounded(.down))
      taps.append(
        ColumnTap(
          left: left, right: min(left + 1, inputWidth - 1), floatFraction: nil,
          doubleFraction: xd - Double(left)))
      c += 1
    }
    return taps
  }
}
