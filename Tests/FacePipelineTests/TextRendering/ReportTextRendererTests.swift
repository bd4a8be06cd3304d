import FaceTensor
import Foundation
import Testing

@testable import FacePipeline

/// FreeType text rendering with DejaVu Sans (installed by `make setup`: fonts-dejavu-core).
struct ReportTextRendererTests {
  let text: TextRenderer
  let sentence = "Sharon Stone 99.43% → Bobbi Sue Luther, AVATAR Wavy"

  init() throws {
    text = try TextRenderer(font: .sans, pixelSize: 14)
  }

  @Test func drawsInkInsideTheLineAndNothingForEmptyText() throws {
    var canvas = RGBImage(width: 400, height: 60, red: 255, green: 255, blue: 255)
    let blank = canvas
    try text.draw("", into: &canvas, x: 10, top: 20, color: .black)
    #expect(canvas == blank)

    try text.draw("Sharon Stone 99.43%", into: &canvas, x: 10, top: 20, color: .black)
    let inked = canvas.count(
      differingFrom: .white, in: PixelRect(x: 0, y: 0, width: 400, height: 60))
    let inLine = canvas.count(
      differingFrom: .white, in: PixelRect(x: 10, y: 20, width: 390, height: text.lineHeight))
    #expect(inked > 100)
    #expect(inLine == inked, "ink outside the line box")
    // Anti-aliasing: both full ink and intermediate levels occur.
    let levels = Set(canvas.pixels)
    #expect(levels.contains(0) || levels.contains(1))
    #expect(levels.contains { $0 > 30 && $0 < 225 })
  }

  @Test func blendsOverTheBackgroundColour() throws {
    var canvas = RGBImage(width: 60, height: 30, red: 0, green: 0, blue: 200)
    try text.draw("H", into: &canvas, x: 5, top: 5, color: RGBColor(red: 255, green: 0, blue: 0))
    // Blue only ever decreases and red only increases; green stays 0.
    for y in 0..<canvas.height {
      for x in 0..<canvas.width {
        let pixel = canvas[x, y]
        #expect(pixel.green == 0)
        #expect(Int(pixel.red) + Int(pixel.blue) >= 199 && Int(pixel.red) + Int(pixel.blue) <= 256)
      }
    }
    #expect(canvas.pixels.contains(255))
  }

  @Test func widthGrowsWithEveryCharacter() throws {
    #expect(try text.width(of: "") == 0)
    var previous = 0
    var prefix = ""
    for character in sentence {
      prefix.append(character)
      let width = try text.width(of: prefix)
      #expect(width > previous, "'\(prefix)' is \(width) px, its prefix \(previous) px")
      previous = width
    }
    let doubled = try text.width(of: sentence + sentence)
    #expect(abs(doubled - 2 * previous) <= 2)
  }

  @Test func widthMatchesTheInkDrawn() throws {
    let width = try text.width(of: "Sharon Stone")
    var canvas = RGBImage(width: 300, height: 30, red: 255, green: 255, blue: 255)
    try text.draw("Sharon Stone", into: &canvas, x: 20, top: 5, color: .black)
    let ink = try #require(canvas.inkColumns(differingFrom: .white))
    #expect(ink.lowerBound >= 19 && ink.lowerBound <= 22)
    #expect(ink.upperBound >= 20 + width - 4 && ink.upperBound <= 20 + width + 1)
  }

  @Test func kerningPullsPairsTogether() throws {
    #expect(text.appliesKerning)
    // Nine A-V / V-A pairs: the kerning adds up to whole pixels at 14 px.
    let pairs = try text.width(of: "AVAVAVAVAV")
    let apart = try 5 * (text.width(of: "A") + text.width(of: "V"))
    #expect(pairs < apart - 2)
  }

  @Test func lineMetricsComeFromTheFace() throws {
    let large = try TextRenderer(font: .sans, pixelSize: 28)
    #expect(text.pixelSize == 14)
    #expect(text.ascender > 0 && text.descender > 0)
    #expect(text.lineHeight >= text.ascender + text.descender - 1)
    #expect(text.lineHeight >= 14 && text.lineHeight <= 20)
    #expect(abs(large.lineHeight - 2 * text.lineHeight) <= 2)
    #expect(try large.width(of: sentence) > text.width(of: sentence) * 3 / 2)
  }

  @Test(arguments: [0, 5, 12, 30, 57, 100, 163, 250, 400])
  func truncationStaysWithinTheWidth(maxWidth: Int) throws {
    let full = try text.width(of: sentence)
    let shown = try text.truncated(sentence, toWidth: maxWidth)
    #expect(try text.width(of: shown) <= maxWidth)
    if full <= maxWidth {
      #expect(shown == sentence)
    } else if !shown.isEmpty {
      #expect(shown.hasSuffix("…"))
      let kept = String(shown.dropLast())
      #expect(sentence.hasPrefix(kept))
      #expect(kept.last != " ")
      // The longest such prefix: one more character would not fit.
      let nextPrefix = String(sentence.prefix(kept.count + 1))
      if nextPrefix.last != " " {
        #expect(try text.width(of: nextPrefix + "…") > maxWidth)
      }
    } else {
      #expect(try text.width(of: "…") > maxWidth)
    }
  }

  @Test func textThatFitsIsLeftAlone() throws {
    let width = try text.width(of: "Sharon Stone")
    #expect(try text.truncated("Sharon Stone", toWidth: width) == "Sharon Stone")
    #expect(try text.truncated("Sharon Stone", toWidth: width - 1).hasSuffix("…"))
  }

  @Test func missingFontNamesTheFoldersSearchedAndThePackage() throws {
    let folder = try ReportSamples.temporaryFolder()
    let folders = [folder.appendingPathComponent("a"), folder.appendingPathComponent("b")]
    let expected = TextRenderingError.fontNotFound(
      fileName: "DejaVuSans-Bold.ttf", searched: folders.map { $0.path })
    #expect(throws: expected) {
      try TextRenderer(font: .sansBold, pixelSize: 14, locator: FontLocator(folders: folders))
    }
    #expect(
      expected.description
        == "font DejaVuSans-Bold.ttf not found; searched: \(folders[0].path), \(folders[1].path). "
        + "Install it with: apt-get install fonts-dejavu-core")
    #expect(throws: expected) {
      try ReportImageRenderer(locator: FontLocator(folders: folders))
    }
  }

  @Test func locatorFindsTheFontInALaterFolder() throws {
    let empty = try ReportSamples.temporaryFolder()
    let found = try FontLocator(folders: [empty] + FontLocator.standardFolders).locate(.sans)
    #expect(found.lastPathComponent == "DejaVuSans.ttf")
    #expect(found.deletingLastPathComponent().path != empty.path)
  }

  @Test func aFileThatIsNotAFontIsATypedError() throws {
    let file = try ReportSamples.temporaryFolder().appendingPathComponent("DejaVuSans.ttf")
    try Data("not a font".utf8).write(to: file)
    #expect {
      try TextRenderer(fontFile: file, pixelSize: 14)
    } throws: { error in
      guard case .cannotLoadFont(let path, let operation, let code) = error as? TextRenderingError
      else { return false }
      return path == file.path && operation == "FT_New_Face" && code != 0
    }
  }
}
