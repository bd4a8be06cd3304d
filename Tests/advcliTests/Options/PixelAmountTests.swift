import Testing

@testable import advcli

@Suite struct PixelAmountTests {
  @Test(arguments: [
    ("8/255", Float(8)), ("8", 8), ("0.5", 0.5), ("1/2", 127.5), (" 16 / 255 ", 16),
    ("0.03/1", 7.65), ("1e1", 10), ("-1", -1), ("0", 0), ("255/255", 255),
  ])
  func readsLevelsAndFractionsOfTheRange(_ text: String, _ levels: Float) {
    #expect(PixelAmount(parsing: text)?.levels == levels)
  }

  @Test(arguments: ["", "abc", "8/", "/255", "1/2/3", "8/0", "nan", "inf", "1e40", "8 levels"])
  func refusesAnythingElse(_ text: String) {
    #expect(PixelAmount(parsing: text) == nil)
  }
}
