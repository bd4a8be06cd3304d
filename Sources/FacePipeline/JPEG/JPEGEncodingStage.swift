import FaceTensor

/// The encoder's linear front end, as libjpeg-turbo's `jccolor.c`, `jcsample.c` and
/// `jcprepct.c` do it, in `Float` and without their 8-bit rounding: RGB to centred YCbCr, edge
/// padding, 2×2 box averaging of the chroma.
///
/// - Luma plane `[8⌈H/8⌉, 8⌈W/8⌉]`: `Y(i, j) − 128` of pixel `(min(i, H−1), min(j, W−1))`.
/// - Chroma planes `[8⌈⌈H/2⌉/8⌉, 8⌈⌈W/2⌉/8⌉]`: sample `(i, j)` is the mean of the centred Cb (Cr)
///   of the pixels at rows `2ī, 2ī+1` and columns `2j, 2j+1`, coordinates clamped to the image,
///   with `ī = min(i, ⌈H/2⌉−1)`. So the right padding repeats the image's last *pixel* column before
///   averaging (`expand_right_edge` on full-size rows) while the bottom padding repeats the last
///   *chroma* row (`expand_bottom_edge` on downsampled rows), as libjpeg does; libjpeg's
///   alternating rounding bias (1, 2) of the average is left out.
enum JPEGEncodingStage {
  /// Fills the three planes from one `[H, W, 3]` RGB image (levels 0...255).
  static func encode(
    _ rgb: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, cb: UnsafeMutablePointer<Float>,
    cr: UnsafeMutablePointer<Float>, geometry g: JPEGGeometry
  ) {
    let (rgbBox, yBox, cbBox, crBox) = (
      UnsafeSendable(rgb), UnsafeSendable(y), UnsafeSendable(cb), UnsafeSendable(cr)
    )
    Parallel.forEachChunk(of: g.lumaHeight) { rows in
      for i in rows {
        let source = rgbBox.pointer + min(i, g.height - 1) * g.width * 3
        let destination = yBox.pointer + i * g.lumaWidth
        for j in 0..<g.lumaWidth {
          let pixel = source + min(j, g.width - 1) * 3
          destination[j] = JFIFColor.lumaCentered(pixel[0], pixel[1], pixel[2])
        }
      }
    }
    Parallel.forEachChunk(of: g.chromaPaddedHeight) { rows in
      for i in rows {
        let top = 2 * min(i, g.chromaHeight - 1)
        let row0 = rgbBox.pointer + top * g.width * 3
        let row1 = rgbBox.pointer + min(top + 1, g.height - 1) * g.width * 3
        let cbRow = cbBox.pointer + i * g.chromaPaddedWidth
        let crRow = crBox.pointer + i * g.chromaPaddedWidth
        for j in 0..<g.chromaPaddedWidth {
          let left = min(2 * j, g.width - 1) * 3
          let right = min(2 * j + 1, g.width - 1) * 3
          let r = 0.25 * (row0[left] + row0[right] + row1[left] + row1[right])
          let gr = 0.25 * (row0[left + 1] + row0[right + 1] + row1[left + 1] + row1[right + 1])
          let b = 0.25 * (row0[left + 2] + row0[right + 2] + row1[left + 2] + row1[right + 2])
          cbRow[j] = JFIFColor.blueDifference(r, gr, b)
          crRow[j] = JFIFColor.redDifference(r, gr, b)
        }
      }
    }
  }

  /// The adjoint of `encode`: plane gradients to the `[H, W, 3]` image gradient (overwritten).
  ///
  /// Each padded sample's gradient goes back to the pixels it was copied from.
  ///
  /// `dCb` and `dCr` are used as scratch: their padding rows are folded into the last chroma row.
  static func encodeBackward(
    dY: UnsafePointer<Float>, dCb: UnsafeMutablePointer<Float>, dCr: UnsafeMutablePointer<Float>,
    into dRGB: UnsafeMutablePointer<Float>, geometry g: JPEGGeometry
  ) {
    // Rows ≥ ⌈H/2⌉ repeat the last chroma row: fold them into it. Then, per chroma row, the sum of
    // the samples right of ⌈W/2⌉, which all average copies of the last pixel column.
    var tails = [Float](repeating: 0, count: 2 * g.chromaHeight)
    for plane in [dCb, dCr] {
      let last = plane + (g.chromaHeight - 1) * g.chromaPaddedWidth
      for i in g.chromaHeight..<g.chromaPaddedHeight {
        let row = plane + i * g.chromaPaddedWidth
        for j in 0..<g.chromaPaddedWidth { last[j] += row[j] }
      }
    }
    for i in 0..<g.chromaHeight {
      for j in g.chromaWidth..<g.chromaPaddedWidth {
        tails[2 * i] += dCb[i * g.chromaPaddedWidth + j]
        tails[2 * i + 1] += dCr[i * g.chromaPaddedWidth + j]
      }
    }
    let (dYBox, dCbBox, dCrBox, dRGBBox) = (
      UnsafeSendable(dY), UnsafeSendable(UnsafePointer(dCb)), UnsafeSendable(UnsafePointer(dCr)),
      UnsafeSendable(dRGB)
    )
    tails.withUnsafeBufferPointer { tails in
      let tailsBox = UnsafeSendable(tails.baseAddress!)
      Parallel.forEachChunk(of: g.height) { rows in
        for h in rows {
          // Luma rows that are copies of row h: h itself, plus the padding when h is the last row.
          let lumaRows = h < g.height - 1 ? h..<(h + 1) : h..<g.lumaHeight
          let i = h >> 1
          let chromaRowShare =
            Float(
              (2 * i == h ? 1 : 0) + (min(2 * i + 1, g.height - 1) == h ? 1 : 0)) * 0.25
          let cbRow = dCbBox.pointer + i * g.chromaPaddedWidth
          let crRow = dCrBox.pointer + i * g.chromaPaddedWidth
          let out = dRGBBox.pointer + h * g.width * 3
          let lumaRow = dYBox.pointer + h * g.lumaWidth
          for w in 0..<g.width {
            var gy: Float = 0
            if h < g.height - 1 && w < g.width - 1 {
              gy = lumaRow[w]
            } else {
              let lumaColumns = w < g.width - 1 ? w..<(w + 1) : w..<g.lumaWidth
              for r in lumaRows {
                let row = dYBox.pointer + r * g.lumaWidth
                for c in lumaColumns { gy += row[c] }
              }
            }
            let j = w >> 1
            let columnShare = Float(
              (2 * j == w ? 1 : 0) + (min(2 * j + 1, g.width - 1) == w ? 1 : 0))
            var gcb = columnShare * cbRow[j]
            var gcr = columnShare * crRow[j]
            if w == g.width - 1 {
              gcb += 2 * tailsBox.pointer[2 * i]
              gcr += 2 * tailsBox.pointer[2 * i + 1]
            }
            gcb *= chromaRowShare
            gcr *= chromaRowShare
            out[3 * w] = JFIFColor.yR * gy + JFIFColor.cbR * gcb + JFIFColor.crR * gcr
            out[3 * w + 1] = JFIFColor.yG * gy + JFIFColor.cbG * gcb + JFIFColor.crG * gcr
            out[3 * w + 2] = JFIFColor.yB * gy + JFIFColor.cbB * gcb + JFIFColor.crB * gcr
          }
        }
      }
    }
  }
}
