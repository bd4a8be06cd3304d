import Testing

@testable import FaceNets

/// The package's box helpers (`__nms`, `__rerec`, `__bbreg`, the stage-1 regression, `np.fix`)
/// on boxes whose results follow from their definitions.
@Suite struct MTCNNBoxTests {
  private func box(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, score: Double = 1)
    -> CandidateBox
  {
    CandidateBox(x1: x1, y1: y1, x2: x2, y2: y2, score: score)
  }

  @Test func suppressionKeepsAnOverlapEqualToTheThreshold() {
    // 10x10 and 10x5 boxes with the `+ 1` convention: intersection 50, union 100, IoU 0.5.
    let boxes = [box(0, 0, 9, 9, score: 0.9), box(0, 0, 9, 4, score: 0.8)]
    #expect(nonMaximumSuppression(boxes, threshold: 0.5, measure: .union) == [0, 1])
    #expect(nonMaximumSuppression(boxes, threshold: 0.49, measure: .union) == [0])
    // Over the smaller area the overlap is 1.
    #expect(nonMaximumSuppression(boxes, threshold: 0.7, measure: .minimum) == [0])
  }

  @Test func suppressionVisitsScoresInDecreasingOrder() {
    // 1 and 2 overlap (IoU 0.5 > 0.3); 0 overlaps neither.
    let boxes = [
      box(100, 100, 109, 109, score: 0.5), box(0, 0, 9, 9, score: 0.7),
      box(0, 0, 9, 4, score: 0.9),
    ]
    #expect(nonMaximumSuppression(boxes, threshold: 0.3, measure: .union) == [2, 0])
  }

  @Test func equalScoresAreTakenInDescendingIndexOrder() {
    let boxes = [box(0, 0, 9, 9, score: 0.8), box(1, 1, 10, 10, score: 0.8)]
    #expect(nonMaximumSuppression(boxes, threshold: 0.5, measure: .union) == [1])
  }

  @Test func suppressionOfNothingIsNothing() {
    #expect(nonMaximumSuppression([], threshold: 0.5, measure: .union).isEmpty)
  }

  @Test func squaringKeepsTheCentreAndTakesTheLongerSide() {
    let square = box(10, 20, 30, 60, score: 0.5).squared()
    #expect(square == box(0, 20, 40, 60, score: 0.5))
  }

  @Test func regressionScalesOffsetsByTheBoxSize() {
    var b = box(10, 20, 29, 59)
    b.regression = (0.5, -0.25, 0.125, 1)
    // Stage 1: width x2 - x1 = 19, height 39.
    #expect(b.regressedWithoutBorder() == box(19.5, 10.25, 31.375, 98))
    // Stages 2 and 3: width x2 - x1 + 1 = 20, height 40.
    #expect(b.regressed() == box(20, 10, 31.5, 99))
  }

  @Test func truncationRoundsTowardZero() {
    #expect(box(-14.9, 1.97, 218.59, -0.5).truncated() == box(-14, 1, 218, 0))
  }

  @Test func cropWindowIsTheBoxShiftedToZeroBased() {
    let window = MTCNNCrops.Window(box(-14, 1, 218, 235))
    #expect(
      [window.x, window.y, window.width, window.height] == [-15, 0, 233, 235])
  }
}
