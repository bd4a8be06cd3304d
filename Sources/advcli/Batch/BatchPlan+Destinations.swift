import FacePipeline
import Foundation

extension BatchPlan {
  /// Checks, before any attack runs, that every file the batch writes can be written
  /// (`OutputDestination.check`): each output (its folder may still be missing when
  /// `creatingFolders`, for `--out-dir`), the summary, and each photo's report.
  /// - Throws: `PipelineError.unusableOutput` for the first path that cannot take a file.
  func checkDestinations(creatingFolders: Bool, summary: String?, report: String?)
    throws(PipelineError)
  {
    for item in items {
      try OutputDestination.check(item.output, creatingFolders: creatingFolders)
    }
    if let summary { try OutputDestination.check(URL(fileURLWithPath: summary)) }
    if let report {
      for item in items {
        try OutputDestination.check(
          AttackOutput.reportURL(report, image: item.input, single: items.count == 1))
      }
    }
  }
}
