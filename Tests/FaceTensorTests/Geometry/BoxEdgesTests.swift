import FaceTensor
import Testing

@Suite struct BoxEdgesTests {
  @Test func inclusiveEdgesCountTheLastPixel() {
    // 10x10 and 10x5 boxes counted as the mtcnn package counts them: intersection 50, union 100.
    let a = BoxEdges(left: 0, top: 0, right: 9, bottom: 9, counting: .inclusive)
    let b = BoxEdges(left: 0, top: 0, right: 9, bottom: 4, counting: .inclusive)
    #expect(a.area == 100 && b.area == 50)
    #expect(a.intersectionOverUnion(with: b) == 0.5)
    #expect(a.intersectionOverSmallerArea(with: b) == 1)
  }

  @Test func exclusiveEdgesAreAPixelBoxs() {
    let a = PixelBox(x: 0, y: 0, width: 10, height: 10)
    let b = PixelBox(x: 5, y: 0, width: 10, height: 10)
    #expect(a.edges.area == 100)
    #expect(a.intersectionOverUnion(with: b) == 50.0 / 150)
    #expect(a.intersectionOverUnion(with: PixelBox(x: 10, y: 0, width: 3, height: 3)) == 0)
  }

  @Test func boxesThatDoNotMeetHaveNoOverlapAndTwoEmptyBoxesHaveNone() {
    let a = BoxEdges(left: 0, top: 0, right: 4, bottom: 4, counting: .inclusive)
    let far = BoxEdges(left: 10, top: 10, right: 12, bottom: 12, counting: .inclusive)
    #expect(a.intersectionArea(with: far) == 0 && a.intersectionOverUnion(with: far) == 0)
    // The package's value for two zero-area boxes: 0 / 0.
    let empty = BoxEdges(left: 3, top: 3, right: 2, bottom: 2, counting: .inclusive)
    #expect(empty.intersectionOverUnion(with: empty).isNaN)
  }

  @Test func clippingKeepsThePartInsideTheImage() {
    let box = PixelBox(x: -5, y: 8, width: 20, height: 10)
    #expect(box.clipped(toWidth: 12, height: 15) == PixelBox(x: 0, y: 8, width: 12, height: 7))
    #expect(PixelBox(x: 20, y: 0, width: 5, height: 5).clipped(toWidth: 12, height: 15) == nil)
  }
}
