import Adversary
import Foundation

extension PhotoAttackOutcome {
  /// The outcome as a report a person reads at a glance: the attacked region of the input, its
  /// perturbation amplified, the same region of the saved file, with the verdicts before and
  /// after under them (`AttackReport.write(to:)` draws it as a PNG or an HTML page).
  public var report: AttackReport {
    AttackReport(
      title: AttackReportTitle(
        imageName: image.lastPathComponent, model: model,
        method: "\(method.rawValue.uppercased()) \(goalName)",
        epsilonLevels: epsilon.map(Double.init), steps: stepsUsed, seconds: seconds),
      original: originalRegion,
      perturbation: AmplifiedPerturbation(original: originalRegion, adversarial: adversarialRegion),
      adversarial: adversarialRegion,
      before: caption(before, when: "before"),
      measurements: ReportCaption(
        heading: "perturbation, \(maskBox.width)x\(maskBox.height) px",
        nameTitle: "Measure", valueTitle: "Value",
        rows: [
          ReportRow(
            name: "L\u{221E}",
            value: "\(ReportNumberFormat.compact(Double(metrics.lInfinity))) levels"),
          ReportRow(
            name: "L2", value: "\(ReportNumberFormat.fixed(Double(metrics.l2), decimals: 1)) levels"
          ),
          ReportRow(
            name: "PSNR",
            value: metrics.psnr.isFinite
              ? "\(ReportNumberFormat.fixed(Double(metrics.psnr), decimals: 1)) dB" : "identical"),
          ReportRow(
            name: "SSIM",
            value: metrics.ssim.map { ReportNumberFormat.fixed(Double($0), decimals: 4) } ?? "n/a"),
        ]),
      after: caption(after, when: "after (saved file)"),
      verdict: verdictLine)
  }

  /// "untargeted", "targeted at NAME", "dodging", "impersonating FILE".
  var goalName: String {
    switch goal {
    case .untargeted: return "untargeted"
    case .targeted(let name): return "targeted at \(name)"
    case .dodge: return "dodging"
    case .impersonate(let photo): return "impersonating \(photo.lastPathComponent)"
    }
  }

  /// One line: success or failure, with the top-1 names or distances before and after.
  public var verdictLine: String {
    let outcome = success ? "success" : "failure"
    switch (before, after) {
    case (.predictions(let old), .predictions(let new)):
      return "\(outcome): \(old.first?.label ?? "?") -> \(new.first?.label ?? "?")"
    case (.distance(let old, _), .distance(let new, let same)):
      return "\(outcome): distance \(ReportNumberFormat.fixed(old, decimals: 3)) -> "
        + "\(ReportNumberFormat.fixed(new, decimals: 3)) (\(same ? "same person" : "different person"))"
    default:
      return "\(outcome): no face found in the saved file"
    }
  }

  private func caption(_ verdict: RecognitionVerdict, when: String) -> ReportCaption {
    switch verdict {
    case .predictions(let predictions):
      return ReportCaption(
        heading: "\(when): top \(predictions.count)", nameTitle: "Name", valueTitle: "Confidence",
        rows: predictions.map { ReportRow(name: $0.label, probability: Double($0.probability)) })
    case .distance(let distance, let same):
      let reference: String
      if case .impersonate(let photo) = goal {
        reference = "distance to \(photo.lastPathComponent)"
      } else {
        reference = "distance to original"
      }
      return ReportCaption(
        heading: when, nameTitle: "Measure", valueTitle: "Value",
        rows: [
          ReportRow(name: reference, value: ReportNumberFormat.fixed(distance, decimals: 3)),
          ReportRow(name: "same person", value: same ? "yes" : "no"),
        ])
    case .noFace:
      return ReportCaption(
        heading: when, nameTitle: "Measure", valueTitle: "Value",
        rows: [ReportRow(name: "no face found", value: "")])
    }
  }
}
