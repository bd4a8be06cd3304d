import FaceTensor
import Foundation

/// Draws one line of UTF-8 text into an `RGBImage` with FreeType: anti-aliased glyph bitmaps
/// alpha-blended over the pixels already there, pen positions with the face's kerning.
///
/// Text is laid out left to right, one glyph per Unicode scalar, without shaping (no ligatures,
/// no right-to-left runs, combining marks drawn where the pen is); a scalar the font lacks is
/// drawn as the font's "missing glyph" box. Control characters are not interpreted.
///
/// Units: sizes and positions are pixels. The pen moves in 1/64 pixel by each glyph's hinted
/// advance plus the unfitted kerning of the pair; each glyph bitmap is placed at the pen position
/// rounded to the nearest pixel. Widths are the total pen advance rounded up, so `width(of:)` is
/// where the next text would start, not the ink's extent.
///
/// Thread safety: not `Sendable`. A renderer owns one FreeType face (through `FontFace`), which
/// FreeType does not lock; copies of a renderer share that face. Use a renderer from one task at
/// a time and create one per task for concurrent drawing.
public struct TextRenderer {
  private let face: FontFace

  /// A renderer for the font file at `fontFile`, at `pixelSize` pixels per em.
  /// - Precondition: `pixelSize > 0`.
  /// - Throws: `TextRenderingError.cannotLoadFont` when FreeType cannot open the file.
  public init(fontFile: URL, pixelSize: Int) throws(TextRenderingError) {
    face = try FontFace(contentsOf: fontFile, pixelSize: pixelSize)
  }

  /// A renderer for a DejaVu font found by `locator`, at `pixelSize` pixels per em.
  /// - Precondition: `pixelSize > 0`.
  /// - Throws: `TextRenderingError.fontNotFound` (listing the folders searched and naming the
  ///   package to install) or `.cannotLoadFont`.
  public init(font: DejaVuFont, pixelSize: Int, locator: FontLocator = FontLocator())
    throws(TextRenderingError)
  {
    try self.init(fontFile: locator.locate(font), pixelSize: pixelSize)
  }

  /// Pixels per em.
  public var pixelSize: Int { face.pixelSize }
  /// Pixels from the top of a line to its baseline.
  public var ascender: Int { face.ascender }
  /// Pixels from the baseline to the bottom of a line.
  public var descender: Int { face.descender }
  /// Baseline-to-baseline distance in pixels: the height a line of text takes.
  public var lineHeight: Int { face.lineHeight }
  /// Whether the font's kerning table is applied between glyph pairs.
  public var appliesKerning: Bool { face.hasKerning }

  /// The width of `text` in pixels when drawn.
  ///
  /// That is the sum of the pen advances and kerning, rounded up; the empty string has width 0.
  /// - Throws: `TextRenderingError.cannotRenderGlyph` when FreeType fails on a glyph.
  public func width(of text: String) throws(TextRenderingError) -> Int {
    try (layout(text).advance + 63) >> 6
  }

  /// `text` shortened with an ellipsis to at most `maxWidth` pixels.
  ///
  /// Returns `text` itself if it fits; otherwise its longest prefix of whole characters
  /// (trailing spaces dropped) followed by "…" that fits, or "…" alone, or "" when not even the
  /// ellipsis fits. The result's `width(of:)` is at most `maxWidth`.
  /// - Throws: `TextRenderingError.cannotRenderGlyph` when FreeType fails on a glyph.
  public func truncated(_ text: String, toWidth maxWidth: Int) throws(TextRenderingError) -> String
  {
    if try width(of: text) <= maxWidth { return text }
    let ellipsis = "\u{2026}"
    guard try width(of: ellipsis) <= maxWidth else { return "" }
    var best = ellipsis
    var prefix = ""
    for character in text {
      prefix.append(character)
      guard !character.isWhitespace else { continue }
      let candidate = prefix + ellipsis
      guard try width(of: candidate) <= maxWidth else { break }
      best = candidate
    }
    return best
  }

  /// Draws `text` into `image`, its line's top edge at row `top`, its pen starting at column `x`.
  ///
  /// The baseline is at `top + ascender`. Each glyph's coverage `a` (0...255) is blended over
  /// the image: `new = old + (color - old) * a / 255`, per channel, rounded. Pixels outside the
  /// image are skipped.
  /// - Throws: `TextRenderingError.cannotRenderGlyph` when FreeType fails on a glyph.
  public func draw(
    _ text: String, into image: inout RGBImage, x: Int, top: Int, color: RGBColor
  ) throws(TextRenderingError) {
    let baseline = top + face.ascender
    let ink = [Int(color.red), Int(color.green), Int(color.blue)]
    for placed in try layout(text).glyphs {
      let glyph = placed.glyph
      let left = x + ((placed.pen + 32) >> 6) + glyph.left
      let glyphTop = baseline - glyph.top
      for row in 0..<glyph.rows {
        let y = glyphTop + row
        guard y >= 0 && y < image.height else { continue }
        for column in 0..<glyph.width {
          let px = left + column
          let alpha = Int(glyph.coverage[row * glyph.width + column])
          guard alpha > 0, px >= 0, px < image.width else { continue }
          let base = (y * image.width + px) * 3
          for channel in 0..<3 {
            let old = Int(image.pixels[base + channel])
            image.pixels[base + channel] = UInt8(
              (old * (255 - alpha) + ink[channel] * alpha + 127) / 255)
          }
        }
      }
    }
  }

  /// The glyphs of `text` with their pen positions and the total advance, in 1/64 pixel.
  private func layout(_ text: String) throws(TextRenderingError) -> (
    glyphs: [PlacedGlyph], advance: Int
  ) {
    var glyphs: [PlacedGlyph] = []
    var pen = 0
    var previous: UInt32 = 0
    for scalar in text.unicodeScalars {
      let glyph = try face.glyph(for: scalar)
      pen += face.kerning(between: previous, and: glyph.index)
      glyphs.append(PlacedGlyph(glyph: glyph, pen: pen))
      pen += glyph.advance
      previous = glyph.index
    }
    return (glyphs, max(0, pen))
  }
}

/// A glyph and the pen position (1/64 pixel from the line's start) it is drawn at.
private struct PlacedGlyph {
  let glyph: RenderedGlyph
  let pen: Int
}
