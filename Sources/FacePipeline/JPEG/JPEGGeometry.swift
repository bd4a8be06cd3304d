/// The sample grids libjpeg uses for an `H × W` image with 2×2 chroma subsampling (4:2:0).
///
/// Luma is padded to whole 8×8 blocks by repeating the last column and row. Chroma has
/// `⌈H/2⌉ × ⌈W/2⌉` samples (libjpeg's `downsampled_height/width`) padded to whole blocks; how the
/// padding is filled is `JPEGEncodingStage`'s business. Blocks beyond these grids that complete a
/// 16×16 MCU are "dummy" blocks that never reach a decoded pixel, so they are not modelled.
struct JPEGGeometry: Sendable, Equatable {
  let height: Int
  let width: Int
  /// `8·⌈H/8⌉`, `8·⌈W/8⌉`.
  let lumaHeight: Int
  let lumaWidth: Int
  /// `⌈H/2⌉`, `⌈W/2⌉`: the chroma samples that describe the image.
  let chromaHeight: Int
  let chromaWidth: Int
  /// `8·⌈⌈H/2⌉/8⌉`, `8·⌈⌈W/2⌉/8⌉`.
  let chromaPaddedHeight: Int
  let chromaPaddedWidth: Int

  init(height: Int, width: Int) {
    precondition(height > 0 && width > 0, "[DifferentiableJPEG] empty image \(height)x\(width)")
    self.height = height
    self.width = width
    lumaHeight = Self.roundedUpToBlock(height)
    lumaWidth = Self.roundedUpToBlock(width)
    chromaHeight = (height + 1) / 2
    chromaWidth = (width + 1) / 2
    chromaPaddedHeight = Self.roundedUpToBlock(chromaHeight)
    chromaPaddedWidth = Self.roundedUpToBlock(chromaWidth)
  }

  /// Elements of the padded luma plane.
  var lumaCount: Int { lumaHeight * lumaWidth }
  /// Elements of one padded chroma plane.
  var chromaCount: Int { chromaPaddedHeight * chromaPaddedWidth }
  /// Elements of the `[H, W, 3]` image.
  var pixelCount: Int { height * width * 3 }

  /// libjpeg-turbo upsamples chroma with its triangle filter only when a chroma row has more
  /// than two samples (`jdsample.c`: `do_fancy && downsampled_width > 2`), otherwise it
  /// replicates each sample 2×2.
  var fancyUpsampling: Bool { chromaWidth > 2 }

  private static func roundedUpToBlock(_ n: Int) -> Int { (n + 7) / 8 * 8 }
}
