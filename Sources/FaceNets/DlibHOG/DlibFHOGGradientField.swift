import FaceTensor

/// The first step of dlib's FHOG histograms: per pixel, the gradient of the colour channel with
/// the largest gradient, as a length and an orientation bin (`get_gradient` in
/// dlib/image_transforms/fhog.h, dlib 20.0.1).
///
/// Per channel, the central differences of its 8-bit values `gx = I(y, x + 1) - I(y, x - 1)`,
/// `gy = I(y + 1, x) - I(y - 1, x)` and their squared length `gx^2 + gy^2`; the channel whose
/// squared length is largest wins. Ties go differently on dlib's two column paths
/// (`DlibFHOGCellGrid.blockColumnsEnd`):
/// - 8-column blocks (the `simd8f` overload, lines 146-275): red wins only if strictly larger
///   than green, then that winner only if strictly larger than blue (lines 266-274), so a tie
///   goes to green over red and to blue over both;
/// - single columns (the `matrix<T,2,1>` overload, lines 23-59): green replaces red only if
///   strictly larger, then blue the winner only if strictly larger (lines 48-58), so a tie goes
///   to red, then green.
///
/// The squared lengths (at most `2 * 255^2`) are exact in both dlib's `int` and `float`.
struct DlibFHOGGradientField: Sendable {
  /// The pixel rows and columns covered.
  let rows: Range<Int>
  let columns: Range<Int>
  /// `sqrt(gx^2 + gy^2)` of the winning channel, in 8-bit channel steps (`0 ... 255 sqrt 2`);
  /// `rows.count x columns.count`, row-major: pixel `(y, x)` at
  /// `(y - rows.lowerBound) * columns.count + x - columns.lowerBound`.
  let lengths: [Float]
  /// The winning gradient's `DlibFHOGOrientation` bin (`0 ..< 18`), laid out as `lengths`.
  let bins: [UInt8]

  /// The gradients of `image` at the pixels `rows x columns`; columns from `blockColumnsEnd` on
  /// take the single-column tie rule, those before it the block rule.
  ///
  /// - Precondition: `rows` within `1 ..< image.height - 1` and `columns` within
  ///   `1 ..< image.width - 1` (or empty): every pixel has 4 neighbours.
  init(image: RGBImage, rows: Range<Int>, columns: Range<Int>, blockColumnsEnd: Int) {
    precondition(
      rows.isEmpty || columns.isEmpty
        || (rows.lowerBound >= 1 && rows.upperBound < image.height && columns.lowerBound >= 1
          && columns.upperBound < image.width),
      "[DlibFHOGGradientField] pixels \(rows) x \(columns) reach the border of a "
        + "\(image.width)x\(image.height) image")
    (self.rows, self.columns) = (rows, columns)
    let split = min(max(blockColumnsEnd, columns.lowerBound), columns.upperBound)
    let width = columns.count
    var lengths = [Float](repeating: 0, count: rows.count * width)
    var bins = [UInt8](repeating: 0, count: rows.count * width)
    let rowBytes = image.width * 3
    image.pixels.withUnsafeBufferPointer { pixelBuffer in
      lengths.withUnsafeMutableBufferPointer { lengthBuffer in
        bins.withUnsafeMutableBufferPointer { binBuffer in
          DlibFHOGOrientation.directions.withUnsafeBufferPointer { directionBuffer in
            guard let pixels = pixelBuffer.baseAddress,
              let directions = directionBuffer.baseAddress,
              let lengthBase = lengthBuffer.baseAddress, let binBase = binBuffer.baseAddress
            else { return }  // no pixel to compute
            let lengthOut = UnsafeSendable(lengthBase)
            let binOut = UnsafeSendable(binBase)
            Parallel.forEachChunk(of: rows.count) { chunk in
              for i in chunk {
                let row = pixels + (rows.lowerBound + i) * rowBytes
                // Pixel x of this row is element `out + x`.
                let out = i * width - columns.lowerBound
                for x in columns.lowerBound..<split {
                  let gradient = Self.blockWinner(
                    Self.channelGradients(at: row + x * 3, rowBytes: rowBytes))
                  (lengthOut.pointer[out + x], binOut.pointer[out + x]) = Self.lengthAndBin(
                    gradient, directions: directions)
                }
                for x in split..<columns.upperBound {
                  let gradient = Self.singleColumnWinner(
                    Self.channelGradients(at: row + x * 3, rowBytes: rowBytes))
                  (lengthOut.pointer[out + x], binOut.pointer[out + x]) = Self.lengthAndBin(
                    gradient, directions: directions)
                }
              }
            }
          }
        }
      }
    }
    self.lengths = lengths
    self.bins = bins
  }

  /// One channel's central differences and their squared length.
  private typealias ChannelGradient = (x: Int32, y: Int32, squaredLength: Int32)

  /// The red, green and blue gradients of the pixel whose red byte `center` points to, in an
  /// image of `rowBytes` bytes per row (fhog.h lines 33-46 and 156-264).
  @inline(__always)
  private static func channelGradients(
    at center: UnsafePointer<UInt8>, rowBytes: Int
  ) -> (red: ChannelGradient, green: ChannelGradient, blue: ChannelGradient) {
    @inline(__always) func channel(_ k: Int) -> ChannelGradient {
      let x = Int32(center[3 + k]) - Int32(center[k - 3])
      let y = Int32(center[rowBytes + k]) - Int32(center[k - rowBytes])
      return (x, y, x * x + y * y)
    }
    return (channel(0), channel(1), channel(2))
  }

  /// The 8-column blocks' choice (fhog.h lines 266-274): `select(rlen > glen, red, green)`,
  /// then `select(tlen > blen, that, blue)`.
  @inline(__always)
  private static func blockWinner(
    _ c: (red: ChannelGradient, green: ChannelGradient, blue: ChannelGradient)
  ) -> ChannelGradient {
    let redOrGreen = c.red.squaredLength > c.green.squaredLength ? c.red : c.green
    return redOrGreen.squaredLength > c.blue.squaredLength ? redOrGreen : c.blue
  }

  /// The single columns' choice (fhog.h lines 48-58): red, replaced by green if `v2 > len`, then
  /// by blue if `v3 > len`.
  @inline(__always)
  private static func singleColumnWinner(
    _ c: (red: ChannelGradient, green: ChannelGradient, blue: ChannelGradient)
  ) -> ChannelGradient {
    var winner = c.red
    if c.green.squaredLength > winner.squaredLength { winner = c.green }
    if c.blue.squaredLength > winner.squaredLength { winner = c.blue }
    return winner
  }

  /// The length (`v = sqrt(v)`, fhog.h lines 843 and 944) and orientation bin of `gradient`.
  @inline(__always)
  private static func lengthAndBin(
    _ gradient: ChannelGradient, directions: UnsafePointer<Float>
  ) -> (Float, UInt8) {
    let bin = DlibFHOGOrientation.bin(
      gx: Float(gradient.x), gy: Float(gradient.y), directions: directions)
    return (Float(gradient.squaredLength).squareRoot(), UInt8(truncatingIfNeeded: bin))
  }
}
