/// Which part of the tiled pyramid a rectangle of score-map positions reads, for dlib's MMOD
/// network: unpadded strided convolutions first (`stride` in all, reading `reach + 1` input
/// pixels per output position), then same-size stride-1 convolutions (each padded by half its
/// kernel, `halo` positions in all).
///
/// Score position `q` (a row or a column) reads tiled pixels `stride · q ... stride · q + reach`
/// through the strided part, and the same-size part makes it read the positions `q - halo ...
/// q + halo` of that part's output. So a tiled crop of pixels `stride · a ... stride · b + reach`
/// gives, through the network, exactly the map's positions `a + halo ... b - halo` (and up to
/// `a` or `b` where that is the map's own edge, which pads alike): 8, 28 and 10 for the published
/// detector.
struct DlibMMODRegionGeometry: Sendable, Equatable {
  /// The product of the strides.
  let stride: Int
  /// The tiled pixels one position reads through the strided convolutions, less one.
  let reach: Int
  /// The positions on each side the same-size convolutions read.
  let halo: Int

  /// The geometry of `layers` (input side first).
  /// - Precondition: every strided convolution is unpadded and comes before every stride-1 one,
  ///   and every stride-1 convolution pads by half its odd kernel (`DlibMMODTopology` checks the
  ///   published file's).
  init(layers: [DlibMMODLayer]) {
    var (stride, reach, halo) = (1, 0, 0)
    for case .convolution(let conv) in layers {
      let (kernel, sideStride) = (conv.kernel.shape[0], conv.strideY)
      precondition(
        conv.kernel.shape[1] == kernel && conv.strideX == sideStride && conv.padX == conv.padY,
        "[DlibMMODRegionGeometry] a convolution that is not square")
      if sideStride > 1 {
        precondition(
          conv.padY == 0 && halo == 0,
          "[DlibMMODRegionGeometry] a strided convolution that is padded or after a stride-1 one")
        reach += (kernel - 1) * stride
        stride *= sideStride
      } else {
        precondition(
          2 * conv.padY == kernel - 1,
          "[DlibMMODRegionGeometry] a stride-1 convolution not same-size")
        halo += conv.padY
      }
    }
    (self.stride, self.reach, self.halo) = (stride, reach, halo)
  }

  /// The score positions along one side of a tiled image `side` pixels long (0 when it is
  /// shorter than `reach + 1`).
  func positions(alongTiled side: Int) -> Int {
    side > reach ? (side - reach - 1) / stride + 1 : 0
  }

  /// The score positions a crop must give for `wanted` to come out exact, on a map of `count`
  /// positions: `wanted` grown by `halo` on each side, clipped to the map.
  func computed(for wanted: ClosedRange<Int>, count: Int) -> ClosedRange<Int> {
    max(0, wanted.lowerBound - halo)...min(count - 1, wanted.upperBound + halo)
  }

  /// The tiled pixels that give the score positions `positions`.
  func tiledPixels(for positions: ClosedRange<Int>) -> ClosedRange<Int> {
    (stride * positions.lowerBound)...(stride * positions.upperBound + reach)
  }
}
