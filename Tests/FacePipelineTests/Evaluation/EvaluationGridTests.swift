import FacePipeline
import Foundation
import Testing

struct EvaluationGridTests {
  /// A grid of `photos` photos x 2 methods x 4 budgets x 1 EOT setting.
  static func grid(photos: Int, epsilons: [Double] = [1, 2, 4, 8]) -> EvaluationGrid {
    EvaluationGrid(
      model: "dlib-resnet", goal: "dodge", methods: ["pgd", "mifgsm"], epsilons: epsilons,
      eotSamples: [0], jpegQuality: nil, steps: 20, seed: 7,
      photos: (0..<photos).map {
        EvaluationGrid.Photo(
          name: "photo\($0).jpg", sha256: String(format: "%064x", $0 + 1))
      })
  }

  @Test func cellsArePhotoMajorAndCoverTheGrid() {
    let grid = Self.grid(photos: 2)
    #expect(grid.cells.count == 2 * 2 * 4)
    #expect(Set(grid.cells).count == grid.cells.count)
    #expect(grid.cells.first?.method == "pgd" && grid.cells.first?.epsilon == 1)
    #expect(grid.cells[8].photoSHA256 == grid.photos[1].sha256)
  }

  @Test func theDifferenceNamesTheSetting() {
    let grid = Self.grid(photos: 3)
    #expect(grid.difference(from: grid) == nil)
    var renamed = grid
    renamed.photos[0].name = "elsewhere/copy.jpg"
    #expect(grid.difference(from: renamed) == nil)
    let otherBudgets = Self.grid(photos: 3, epsilons: [1, 2])
    #expect(grid.difference(from: otherBudgets)?.hasPrefix("eps:") == true)
    var otherSeed = grid
    otherSeed.seed = 8
    #expect(grid.difference(from: otherSeed) == "seed: 8 recorded, 7 given")
    let fewerPhotos = Self.grid(photos: 2)
    let difference = grid.difference(from: fewerPhotos) ?? ""
    #expect(difference.contains("1 only given") && difference.contains("photo2.jpg"))
  }
}
