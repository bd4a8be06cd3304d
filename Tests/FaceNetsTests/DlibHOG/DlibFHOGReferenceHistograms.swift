import FaceTensor

/// dlib's FHOG orientation histograms computed the plain, slow way, to check the production
/// `DlibFHOGGradientField` and `DlibFHOGHistograms` against.
///
/// Written from dlib 20.0.1's `impl_extract_fhog_features` (dlib/image_transforms/fhog.h lines
/// 779-956): dlib's loops as they are, one pixel at a time over the whole image, every rule at
/// the pixel it applies to, no restriction, no parallelism, no precomputed tables. The rules
/// that differ between dlib's two column paths are parameters, so that a test can show that a
/// wrong rule is caught.
///
/// `values` is `(cellRows + 2) x (cellColumns + 2) x 18` floats, bin fastest (the histograms
/// have a border of one cell), sums of gradient lengths in 8-bit channel steps.
struct DlibFHOGReferenceHistograms {
  /// Which channel wins when the largest squared gradient is shared.
  enum TieRule {
    /// The last of the largest in red, green, blue order: dlib's 8-column blocks.
    case lastChannel
    /// The first of the largest: dlib's single columns.
    case firstChannel
  }

  /// How a pixel's bilinear weights are rounded.
  enum VoteRounding {
    /// dlib's 8-column blocks: `xp = (x + 0.5) / cellSize + 0.5` in float, truncated; votes
    /// `vy * (vx * v)`.
    case block
    /// dlib's single columns: `xp = (x + 0.5) / cellSize - 0.5` in double, floored; votes
    /// `(vy * vx) * v`.
    case singleColumn
  }

  /// The rules of one column path.
  struct PathRules {
    var ties: TieRule
    var votes: VoteRounding

    /// dlib's rules for pixels in 8-column blocks.
    static let dlibBlock = PathRules(ties: .lastChannel, votes: .block)
    /// dlib's rules for the columns left after the blocks.
    static let dlibSingleColumn = PathRules(ties: .firstChannel, votes: .singleColumn)
  }

  let cellRows: Int
  let cellColumns: Int
  private(set) var values: [Float]

  /// The histograms of `image` with cells of `cellSize` pixels, blocks and single columns
  /// following `blockRules` and `singleColumnRules`.
  init(
    image: RGBImage, cellSize: Int, blockRules: PathRules = .dlibBlock,
    singleColumnRules: PathRules = .dlibSingleColumn
  ) {
    // fhog.h lines 780-781, 793, 817-818.
    cellRows = Int(Double(Float(image.height) / Float(cellSize)) + 0.5)
    cellColumns = Int(Double(Float(image.width) / Float(cellSize)) + 0.5)
    values = [Float](repeating: 0, count: (cellRows + 2) * (cellColumns + 2) * 18)
    let visibleRows = min(cellRows * cellSize, image.height) - 1
    let visibleColumns = min(cellColumns * cellSize, image.width) - 1
    // fhog.h lines 821-956.
    var y = 1
    while y < visibleRows {
      var x = 1
      while x < visibleColumns - 7 {
        for lane in 0..<8 {
          addVote(image: image, cellSize: cellSize, y: y, x: x + lane, rules: blockRules)
        }
        x += 8
      }
      while x < visibleColumns {
        addVote(image: image, cellSize: cellSize, y: y, x: x, rules: singleColumnRules)
        x += 1
      }
      y += 1
    }
  }

  /// Bin `bin` of histogram cell `(row, column)`.
  subscript(row row: Int, column column: Int, bin bin: Int) -> Float {
    values[(row * (cellColumns + 2) + column) * 18 + bin]
  }

  private mutating func addVote(image: RGBImage, cellSize: Int, y: Int, x: Int, rules: PathRules) {
    let gradient = Self.winningGradient(image: image, y: y, x: x, ties: rules.ties)
    let v = Float(gradient.squaredLength).squareRoot()
    let bin = Self.orientationBin(gx: Float(gradient.x), gy: Float(gradient.y))
    // fhog.h lines 823-826.
    let yp = Float((Double(y) + 0.5) / Double(Float(cellSize)) - 0.5)
    let iyp = Int(yp.rounded(.down))
    let vy0 = yp - Float(iyp)
    let vy1 = Float(1.0 - Double(vy0))
    let left: Int
    let v11: Float
    let v01: Float
    let v10: Float
    let v00: Float
    switch rules.votes {
    case .block:
      // fhog.h lines 838-841 and 864-870; the conversion truncates (simd8f.h line 37).
      let xp = (Float(x) + 0.5) / Float(cellSize) + 0.5
      let ixp = Int(xp.rounded(.towardZero))
      let vx0 = xp - Float(ixp)
      let vx1: Float = 1 - vx0
      let (wx1, wx0) = (vx1 * v, vx0 * v)
      left = ixp
      (v11, v01, v10, v00) = (vy1 * wx1, vy0 * wx1, vy1 * wx0, vy0 * wx0)
    case .singleColumn:
      // fhog.h lines 946-954.
      let xp = Float((Double(x) + 0.5) / Double(cellSize) - 0.5)
      let ixp = Int(xp.rounded(.down))
      let vx0 = xp - Float(ixp)
      let vx1 = Float(1.0 - Double(vx0))
      left = ixp + 1
      (v11, v01, v10, v00) = ((vy1 * vx1) * v, (vy0 * vx1) * v, (vy1 * vx0) * v, (vy0 * vx0) * v)
    }
    let top = iyp + 1
    add(v11, row: top, column: left, bin: bin)
    add(v01, row: top + 1, column: left, bin: bin)
    add(v10, row: top, column: left + 1, bin: bin)
    add(v00, row: top + 1, column: left + 1, bin: bin)
  }

  private mutating func add(_ vote: Float, row: Int, column: Int, bin: Int) {
    values[(row * (cellColumns + 2) + column) * 18 + bin] += vote
  }

  /// The central-difference gradient of the channel with the largest squared gradient at
  /// `(y, x)`, ties broken by `ties` (fhog.h lines 23-59 and 146-275).
  private static func winningGradient(image: RGBImage, y: Int, x: Int, ties: TieRule) -> (
    x: Int, y: Int, squaredLength: Int
  ) {
    func value(_ y: Int, _ x: Int, _ channel: Int) -> Int {
      Int(image.pixels[(y * image.width + x) * 3 + channel])
    }
    let gradients = (0..<3).map { channel in
      let gx = value(y, x + 1, channel) - value(y, x - 1, channel)
      let gy = value(y + 1, x, channel) - value(y - 1, x, channel)
      return (x: gx, y: gy, squaredLength: gx * gx + gy * gy)
    }
    let largest = gradients.map(\.squaredLength).max() ?? 0
    let winners = gradients.filter { $0.squaredLength == largest }
    switch ties {
    case .lastChannel: return winners[winners.count - 1]
    case .firstChannel: return winners[0]
    }
  }

  /// fhog.h lines 765-775 and 927-942: the first of dlib's 9 directions with the largest
  /// `|dot|`, plus 9 when the dot is negative.
  private static func orientationBin(gx: Float, gy: Float) -> Int {
    let directions: [(x: Float, y: Float)] = [
      (1.0000, 0.0000), (0.9397, 0.3420), (0.7660, 0.6428), (0.500, 0.8660), (0.1736, 0.9848),
      (-0.1736, 0.9848), (-0.5000, 0.8660), (-0.7660, 0.6428), (-0.9397, 0.3420),
    ]
    var bestDot: Float = 0
    var bestBin = 0
    for (o, direction) in directions.enumerated() {
      let dot = direction.x * gx + direction.y * gy
      if dot > bestDot {
        bestDot = dot
        bestBin = o
      } else if -dot > bestDot {
        bestDot = -dot
        bestBin = o + 9
      }
    }
    return bestBin
  }
}
