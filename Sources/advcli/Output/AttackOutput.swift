import FacePipeline
import Foundation

/// What `advcli attack` prints for one photo: the before and after tables (as the seed
/// write-up shows them) with one summary line, or one JSON line; and the progress note.
enum AttackOutput {
  /// Two tables, before (the input) and after (re-checked on the saved file), then the summary
  /// line.
  ///
  /// Both files are named as given: a relative output path stays relative.
  static func tables(image: String, outcome: PhotoAttackOutcome) -> String {
    let judge = outcome.goal.name == "hide" ? "detectors \(outcome.model)" : outcome.model
    var lines = ["\(image): before (\(judge))"]
    lines += table(outcome.before, outcome: outcome)
    lines.append("\(outcome.output.relativePath): after (re-checked on the saved file)")
    lines += table(outcome.after, outcome: outcome)
    lines.append(summaryLine(outcome))
    return lines.joined(separator: "\n")
  }

  /// `success: A -> B; PGD, 12 steps, 3.4 s; Linf 8 levels, L2 512.3, PSNR 41.2 dB, SSIM
  /// 0.9876 over mask_box [x, y, w, h]`.
  static func summaryLine(_ outcome: PhotoAttackOutcome) -> String {
    let psnr =
      outcome.metrics.psnr.isFinite ? String(format: "%.1f dB", outcome.metrics.psnr) : "inf"
    let ssim = outcome.metrics.ssim.map { String(format: "%.4f", $0) } ?? "n/a"
    let steps = outcome.stepsUsed == 1 ? "1 step" : "\(outcome.stepsUsed) steps"
    return "\(outcome.verdictLine); \(outcome.method.rawValue.uppercased()), \(steps), "
      + String(format: "%.1f s", outcome.seconds) + "; "
      + String(
        format: "Linf %g levels, L2 %.1f levels, PSNR ", outcome.metrics.lInfinity,
        outcome.metrics.l2)
      + "\(psnr), SSIM \(ssim) over mask_box \(outcome.maskBox.array)"
  }

  private static func table(_ verdict: RecognitionVerdict, outcome: PhotoAttackOutcome) -> [String]
  {
    switch verdict {
    case .predictions(let predictions):
      let width = max(4, predictions.map(\.label.count).max() ?? 0)
      var lines = [
        "  " + "Name".padding(toLength: width, withPad: " ", startingAt: 0) + "  Confidence"
      ]
      for p in predictions {
        let percent = String(format: "%.3f%%", Double(p.probability) * 100)
        lines.append(
          "  " + p.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
            + String(repeating: " ", count: max(0, 10 - percent.count)) + percent)
      }
      return lines
    case .distance(let distance, let same):
      let reference: String
      if case .impersonate(let photo) = outcome.goal {
        reference = "to \(photo.lastPathComponent)"
      } else {
        reference = "to the original face"
      }
      return [
        "  Distance  Same person",
        "  " + String(format: "%8.4f", distance) + "  " + (same ? "yes" : "no") + " (\(reference))",
      ]
    case .noFace:
      return ["  no face found"]
    case .detections(let faces):
      return hidingDetectors(of: outcome).flatMap { detector in
        let found = faces.filter { $0.detector == detector }
        guard !found.isEmpty else { return ["  \(detector.rawValue): no face"] }
        return found.map { face in
          "  \(detector.rawValue): box \(face.box.array), score "
            + String(format: "%.3f", face.confidence)
        }
      }
    }
  }

  /// The detectors a hide goal names (none for the other goals).
  private static func hidingDetectors(of outcome: PhotoAttackOutcome) -> [FaceDetectorKind] {
    guard case .hide(let detectors) = outcome.goal else { return [] }
    return detectors
  }

  /// One line of JSON with the keys in the issue's order.
  ///
  /// The keys: image, output, model, method, eps, steps_used, seconds, box, mask_box, success,
  /// success_after_rounding, before, after, linf, l2, psnr, ssim. `before`/`after` hold
  /// `{"predictions": [{"index", "label", "probability"}]}` or `{"distance", "same_person"}`; for
  /// a hide goal `{"faces": [{"detector", "box", "confidence"}]}`, and `detectors` follows
  /// `after`: one `{"detector", "before", "after", "success"}` per detector, its boxes before and
  /// after as `[{"box", "confidence"}]`. Numbers that are not finite (PSNR of identical images)
  /// and absent values are `null`.
  static func jsonLine(image: String, outcome: PhotoAttackOutcome) throws -> String {
    var fields: [(String, String)] = [
      ("image", try json(image)),
      ("output", try json(outcome.output.path)),
      ("model", try json(outcome.model)),
      ("method", try json(outcome.method.rawValue)),
      ("eps", number(outcome.epsilon)),
      ("steps_used", "\(outcome.stepsUsed)"),
      ("seconds", number(outcome.seconds)),
      (
        "box", outcome.box.map { "[\($0.array.map(String.init).joined(separator: ","))]" } ?? "null"
      ),
      ("mask_box", "[\(outcome.maskBox.array.map(String.init).joined(separator: ","))]"),
      ("success", "\(outcome.success)"),
      ("success_after_rounding", "\(outcome.successAfterRounding)"),
      ("before", try verdictJSON(outcome.before)),
      ("after", try verdictJSON(outcome.after)),
    ]
    if case .hide(let detectors) = outcome.goal {
      fields.append(("detectors", hidingJSON(detectors, outcome: outcome)))
    }
    fields += [
      ("linf", number(outcome.metrics.lInfinity)),
      ("l2", number(outcome.metrics.l2)),
      ("psnr", number(outcome.metrics.psnr)),
      ("ssim", number(outcome.metrics.ssim)),
    ]
    return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
  }

  private static func verdictJSON(_ verdict: RecognitionVerdict) throws -> String {
    switch verdict {
    case .predictions(let predictions):
      var items: [String] = []
      for p in predictions {
        let label = try json(p.label)
        items.append(
          #"{"index":\#(p.index),"label":\#(label),"probability":\#(number(p.probability))}"#)
      }
      return #"{"predictions":[\#(items.joined(separator: ","))]}"#
    case .distance(let distance, let same):
      return #"{"distance":\#(number(distance)),"same_person":\#(same)}"#
    case .noFace:
      return #"{"predictions":[],"distance":null,"same_person":null}"#
    case .detections(let faces):
      let items = faces.map { face in
        #"{"detector":"\#(face.detector.rawValue)",\#(boxFields(face))}"#
      }
      return #"{"faces":[\#(items.joined(separator: ","))]}"#
    }
  }

  /// Per detector of a hide goal: `{"detector", "before", "after", "success"}`.
  private static func hidingJSON(_ detectors: [FaceDetectorKind], outcome: PhotoAttackOutcome)
    -> String
  {
    let faces = { (verdict: RecognitionVerdict, detector: FaceDetectorKind) -> [FoundFace] in
      guard case .detections(let faces) = verdict else { return [] }
      return faces.filter { $0.detector == detector }
    }
    let items = detectors.map { detector in
      let (before, after) = (faces(outcome.before, detector), faces(outcome.after, detector))
      return #"{"detector":"\#(detector.rawValue)","#
        + #""before":[\#(before.map(boxJSON).joined(separator: ","))],"#
        + #""after":[\#(after.map(boxJSON).joined(separator: ","))],"#
        + #""success":\#(after.isEmpty)}"#
    }
    return "[\(items.joined(separator: ","))]"
  }

  /// `{"box": [x, y, w, h], "confidence": c}` of a face.
  private static func boxJSON(_ face: FoundFace) -> String { "{\(boxFields(face))}" }

  /// `"box": [x, y, w, h], "confidence": c` of a face.
  private static func boxFields(_ face: FoundFace) -> String {
    let box = face.box.array.map(String.init).joined(separator: ",")
    return #""box":[\#(box)],"confidence":\#(number(face.confidence))"#
  }

  /// A JSON number in its shortest form, `null` when absent or not finite.
  private static func number<T: BinaryFloatingPoint & Encodable>(_ value: T?) -> String {
    guard let value, value.isFinite, let text = try? json(value) else { return "null" }
    return text
  }

  /// One JSON value as `JSONEncoder` writes it.
  private static func json(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
  }

  /// Appends `line` and a newline to the summary file, creating it if needed.
  static func append(_ line: String, toSummary url: URL) throws {
    if !FileManager.default.fileExists(atPath: url.path) {
      try Data().write(to: url)
    }
    let handle = try FileHandle(forWritingTo: url)
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data((line + "\n").utf8))
  }

  /// The report file for `image`: `report` itself for a single photo, else `report` with the
  /// photo's stem before the extension (`r.png` -> `r.obama.png`).
  static func reportURL(_ report: String, image: String, single: Bool) -> URL {
    guard !single else { return URL(fileURLWithPath: report) }
    let stem = ((image as NSString).lastPathComponent as NSString).deletingPathExtension
    let base = (report as NSString).deletingPathExtension
    return URL(fileURLWithPath: "\(base).\(stem).\((report as NSString).pathExtension)")
  }

  /// `step 12/50 loss -0.5123 top-1 Sharon Stone (97.1%)`, `... distance 0.4321` or, hiding,
  /// `... found by dlib-cnn (1)` / `... no face`.
  static func progressNote(_ progress: PhotoAttackProgress) -> String {
    var note = "step \(progress.step)/\(progress.steps)"
    if progress.runs > 1 { note += " run \(progress.run + 1)/\(progress.runs)" }
    note += String(format: " loss %.4f", progress.loss)
    switch progress.current {
    case .predictions(let predictions):
      if let top = predictions.first {
        note += " top-1 \(top.label) " + String(format: "(%.1f%%)", Double(top.probability) * 100)
      }
    case .distance(let distance, _):
      note += String(format: " distance %.4f", distance)
    case .detections:
      note += " \(progress.current.summary)"
    case .noFace:
      break
    }
    return note
  }
}
