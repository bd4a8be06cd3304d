import FaceTensor

/// The decoder's back end, as libjpeg-turbo's `jdsample.c` and `jdcolor.c` do it with the default
/// settings, in `Float` and without their 8-bit rounding: decoded samples clamped to 0...255 (the
/// IDCT's range limit), chroma upsampled 2×2, YCbCr to RGB, RGB clamped to 0...255.
///
/// Upsampling is libjpeg's "fancy" triangle filter (`h2v2_fancy_upsample`): along each axis the
/// output position `2k` reads `¾·s[k] + ¼·s[k−1]` and `2k+1` reads `¾·s[k] + ¼·s[k+1]`, indices
/// clamped to the `⌈H/2⌉ × ⌈W/2⌉` samples of the image (the decoder repeats the first and last row
/// and column), i.e. weights 9/16, 3/16, 3/16, 1/16 in 2-D; libjpeg's rounding biases (8, 7) are
/// left out. With at most two chroma samples per row libjpeg replicates instead (weights 1, 0).
///
/// Clamps pass the gradient where the value lies in 0...255 (edges included) and block it
/// outside: the exact derivative wherever it exists. A pixel that the clamp holds at 0 or 255
/// does not move under small changes of the input, so it gets no gradient.
enum JPEGDecodingStage {
  /// The two samples an output position reads along an axis of `count` samples.
  @inline(__always)
  static func taps(_ position: Int, count: Int) -> (near: Int, far: Int) {
    let near = position >> 1
    let far = position & 1 == 0 ? max(near - 1, 0) : min(near + 1, count - 1)
    return (near, far)
  }

  /// The weights of `taps`' near and far samples.
  static func weights(_ g: JPEGGeometry) -> (near: Float, far: Float) {
    g.fancyUpsampling ? (0.75, 0.25) : (1, 0)
  }

  /// Writes the `[H, W, 3]` RGB image decoded from the planes (centred samples, as the block
  /// quantizer leaves them); when `inside` is given, marks there (1 or 0) which RGB values were
  /// within 0...255 before the final clamp.
  static func decode(
    y: UnsafePointer<Float>, cb: UnsafePointer<Float>, cr: UnsafePointer<Float>,
    into rgb: UnsafeMutablePointer<Float>, inside: UnsafeMutablePointer<UInt8>?,
    geometry g: JPEGGeometry
  ) {
    let (yBox, cbBox, crBox, rgbBox, insideBox) = (
      UnsafeSendable(y), UnsafeSendable(cb), UnsafeSendable(cr), UnsafeSendable(rgb),
      UnsafeSendable(inside)
    )
    let weight = weights(g)
    Parallel.forEachChunk(of: g.height) { rows in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * g.chromaWidth) { scratch in
        let cbLine = scratch.baseAddress!
        let crLine = cbLine + g.chromaWidth
        for h in rows {
          // Vertical pass over the clamped samples of the two chroma rows row h reads.
          let (near, far) = taps(h, count: g.chromaHeight)
          let stride = g.chromaPaddedWidth
          for j in 0..<g.chromaWidth {
            cbLine[j] =
              weight.near * clampCentered(cbBox.pointer[near * stride + j])
              + weight.far * clampCentered(cbBox.pointer[far * stride + j])
            crLine[j] =
              weight.near * clampCentered(crBox.pointer[near * stride + j])
              + weight.far * clampCentered(crBox.pointer[far * stride + j])
          }
          let lumaRow = yBox.pointer + h * g.lumaWidth
          let out = rgbBox.pointer + h * g.width * 3
          let mask = insideBox.pointer.map { $0 + h * g.width * 3 }
          // Output columns 2j and 2j+1 both read sample j (near) and j−1 or j+1 (far).
          for j in 0..<g.chromaWidth {
            let left = max(j - 1, 0)
            let right = min(j + 1, g.chromaWidth - 1)
            for half in 0..<min(2, g.width - 2 * j) {
              let w = 2 * j + half
              let far = half == 0 ? left : right
              let cbValue = weight.near * cbLine[j] + weight.far * cbLine[far]
              let crValue = weight.near * crLine[j] + weight.far * crLine[far]
              let yValue = clampCentered(lumaRow[w]) + 128
              let r = yValue + JFIFColor.rCr * crValue
              let gr = yValue + JFIFColor.gCb * cbValue + JFIFColor.gCr * crValue
              let b = yValue + JFIFColor.bCb * cbValue
              out[3 * w] = min(max(r, 0), 255)
              out[3 * w + 1] = min(max(gr, 0), 255)
              out[3 * w + 2] = min(max(b, 0), 255)
              if let mask {
                mask[3 * w] = isInRange(r)
                mask[3 * w + 1] = isInRange(gr)
                mask[3 * w + 2] = isInRange(b)
              }
            }
          }
        }
      }
    }
  }

  /// The adjoint of `decode` at the recorded point: maps the `[H, W, 3]` output gradient to
  /// gradients of the three planes (written in full: zero where a sample does not reach the
  /// image).
  static func decodeBackward(
    _ dRGB: UnsafePointer<Float>, inside: UnsafePointer<UInt8>, y: UnsafePointer<Float>,
    cb: UnsafePointer<Float>, cr: UnsafePointer<Float>, dY: UnsafeMutablePointer<Float>,
    dCb: UnsafeMutablePointer<Float>, dCr: UnsafeMutablePointer<Float>, geometry g: JPEGGeometry
  ) {
    dY.initialize(repeating: 0, count: g.lumaCount)
    dCb.initialize(repeating: 0, count: g.chromaCount)
    dCr.initialize(repeating: 0, count: g.chromaCount)
    let (dRGBBox, insideBox, yBox, dYBox) = (
      UnsafeSendable(dRGB), UnsafeSendable(inside), UnsafeSendable(y), UnsafeSendable(dY)
    )
    // RGB clamp and colour transform to luma, luma clamp.
    Parallel.forEachChunk(of: g.height) { rows in
      for h in rows {
        for w in 0..<g.width {
          let p = h * g.width * 3 + 3 * w
          let l = h * g.lumaWidth + w
          guard isCenteredInRange(yBox.pointer[l]) else { continue }
          var sum: Float = 0
          for c in 0..<3 where insideBox.pointer[p + c] != 0 { sum += dRGBBox.pointer[p + c] }
          dYBox.pointer[l] = sum
        }
      }
    }
    // Colour transform to chroma, upsampling adjoint and chroma clamp: each chroma sample
    // gathers from the output rows and columns whose taps name it.
    let (cbBox, crBox, dCbBox, dCrBox) = (
      UnsafeSendable(cb), UnsafeSendable(cr), UnsafeSendable(dCb), UnsafeSendable(dCr)
    )
    let weight = weights(g)
    Parallel.forEachChunk(of: g.chromaHeight) { chromaRows in
      withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * g.width) { scratch in
        let cbLine = scratch.baseAddress!
        let crLine = cbLine + g.width
        for i in chromaRows {
          cbLine.initialize(repeating: 0, count: 2 * g.width)
          for h in max(0, 2 * i - 1)...min(g.height - 1, 2 * i + 2) {
            let share = tapWeight(of: i, at: h, count: g.chromaHeight, weight)
            guard share != 0 else { continue }
            for w in 0..<g.width {
              let p = h * g.width * 3 + 3 * w
              let gr = insideBox.pointer[p] != 0 ? dRGBBox.pointer[p] : 0
              let gg = insideBox.pointer[p + 1] != 0 ? dRGBBox.pointer[p + 1] : 0
              let gb = insideBox.pointer[p + 2] != 0 ? dRGBBox.pointer[p + 2] : 0
              cbLine[w] += share * (JFIFColor.gCb * gg + JFIFColor.bCb * gb)
              crLine[w] += share * (JFIFColor.rCr * gr + JFIFColor.gCr * gg)
            }
          }
          for j in 0..<g.chromaWidth {
            var sumCb: Float = 0
            var sumCr: Float = 0
            for w in max(0, 2 * j - 1)...min(g.width - 1, 2 * j + 2) {
              let share = tapWeight(of: j, at: w, count: g.chromaWidth, weight)
              sumCb += share * cbLine[w]
              sumCr += share * crLine[w]
            }
            let s = i * g.chromaPaddedWidth + j
            dCbBox.pointer[s] = isCenteredInRange(cbBox.pointer[s]) ? sumCb : 0
            dCrBox.pointer[s] = isCenteredInRange(crBox.pointer[s]) ? sumCr : 0
          }
        }
      }
    }
  }

  /// The weight with which output position `position` reads sample `sample`.
  @inline(__always)
  private static func tapWeight(
    of sample: Int, at position: Int, count: Int, _ weight: (near: Float, far: Float)
  ) -> Float {
    let (near, far) = taps(position, count: count)
    return (near == sample ? weight.near : 0) + (far == sample ? weight.far : 0)
  }

  /// A centred sample clamped to libjpeg's range of 0...255 (−128...127 centred).
  @inline(__always)
  private static func clampCentered(_ value: Float) -> Float { min(max(value, -128), 127) }

  @inline(__always)
  private static func isCenteredInRange(_ value: Float) -> Bool { value >= -128 && value <= 127 }

  @inline(__always)
  private static func isInRange(_ value: Float) -> UInt8 { value >= 0 && value <= 255 ? 1 : 0 }
}
