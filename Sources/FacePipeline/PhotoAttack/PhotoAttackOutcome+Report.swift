import Adversary
import Foundation

extension PhotoAttackOutcome {
  /// The outcome as a report a person reads at a glance: the attacked region of the input, its
  /// perturbation amplified, the same region of the saved file, with the verdicts before and
  /// after under them (`AttackReport.write(to:)` draws it as a PNG or an HTML page).
  ///
  /// For a hide goal the regions show the detectors' boxes of the face, drawn as `detect` draws
  /// them (`RGBImage.annotated(with:)`): each detector's own box on the input, the boxes still
  /// found on the saved file.
  public var report: AttackReport {
    AttackReport(
      title: AttackReportTitle(
        imageName: image.lastPathComponent, model: model,
        method: "\(method.rawValue.uppercased()) \(goalName)",
        epsilonLevels: epsilon.map(Double.init), steps: stepsUsed, seconds: seconds),
      original: regionWithBoxes(originalRegion, before),
      perturbation: AmplifiedPerturbation(original: originalRegion, adversarial: adversarialRegion),
      adversarial: regionWithBoxes(adversarialRegion, after),
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

  /// "untargeted", "targeted at NAME", "dodging", "impersonating FILE", "hiding from
  /// DETECTORS".
  var goalName: String {
    switch goal {
    case .untargeted: return "untargeted"
    case .targeted(let name): return "targeted at \(name)"
    case .dodge: return "dodging"
    case .impersonate(let photo): return "impersonating \(photo.lastPathComponent)"
    case .hide(let detectors):
      return "hiding from \(detectors.map(\.rawValue).joined(separator: ", "))"
    }
  }

  /// One line: success or failure, with the top-1 names, distances or detections before and
  /// after.
  public var verdictLine: String {
    let outcome = success ? "success" : "failure"
    switch (before, after) {
    case (.predictions(let old), .predictions(let new)):
      return "\(outcome): \(old.first?.label ?? "?") -> \(new.first?.label ?? "?")"
    case (.distance(let old, _), .distance(let new, let same)):
      return "\(outcome): distance \(ReportNumberFormat.fixed(old, decimals: 3)) -> "
        + "\(ReportNumberFormat.fixed(new, decimals: 3)) (\(same ? "same person" : "different person"))"
    case (.detections, .detections):
      return "\(outcome): \(before.summary) -> \(after.summary)"
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
    case .detections(let faces):
      var rows: [ReportRow] = []
      if case .hide(let detectors) = goal {
        for detector in detectors {
          let found = faces.filter { $0.detector == detector }
          for face in found {
            rows.append(
              ReportRow(
                name: detector.rawValue,
                value: "score \(ReportNumberFormat.fixed(face.confidence, decimals: 3))"))
            rows.append(
              ReportRow(
                name: "  box", value: face.box.array.map(String.init).joined(separator: ", ")))
          }
          if found.isEmpty { rows.append(ReportRow(name: detector.rawValue, value: "no face")) }
        }
      }
      return ReportCaption(
        heading: "\(when): faces found", nameTitle: "Detector", valueTitle: "Score, box",
        rows: rows)
    }
  }

  /// `region` (the `maskBox` part of a photo) with the boxes of `verdict`'s detections drawn,
  /// moved into the region; `region` itself for the other verdicts.
  private func regionWithBoxes(_ region: RGBImage, _ verdict: RecognitionVerdict) -> RGBImage {
    guard case .detections(let faces) = verdict else { return region }
    let (dx, dy) = (maskBox.x, maskBox.y)
    return region.annotated(
      with: faces.map { face in
        FoundFace(
          detector: face.detector,
          box: PixelBox(
            x: face.box.x - dx, y: face.box.y - dy, width: face.box.width,
            height: face.box.height),
          confidence: face.confidence,
          landmarks: face.landmarks.map { PixelPoint(x: $0.x - dx, y: $0.y - dy) })
      })
  }
}
