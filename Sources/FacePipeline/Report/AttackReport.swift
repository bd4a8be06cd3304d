import FaceTensor

/// Everything an attack report shows, as strings and images, for classifiers and face
/// descriptors alike: a title line, three panels side by side (the original face region, the
/// perturbation amplified for visibility, the adversarial face region), a caption block under
/// each panel, and a one-line verdict under all of them.
///
/// Rendered as one picture by `ReportImageRenderer` or as one self-contained HTML page by
/// `ReportHTMLRenderer`; `write(to:)` picks by file extension.
public struct AttackReport: Sendable, Equatable {
  /// The two lines on top: photo and model; method, budget, steps, time.
  public var title: AttackReportTitle
  /// The face region before the attack (what the model saw), 8-bit RGB.
  public var original: RGBImage
  /// The perturbation of that region, amplified to be visible.
  public var perturbation: AmplifiedPerturbation
  /// The same region after the attack, 8-bit RGB (normally the size of `original`).
  public var adversarial: RGBImage
  /// Under the original: the model's answer before the attack, such as top-5
  /// `("Sharon Stone", "99.43%")`, or for descriptors `("distance to original", "0.00")`.
  public var before: ReportCaption
  /// Under the perturbation: its size, such as `("L∞", "8 levels")`, `("L2", "…")`, `("PSNR", "…")`,
  /// `("SSIM", "…")`.
  public var measurements: ReportCaption
  /// Under the adversarial face: the model's answer after the attack.
  public var after: ReportCaption
  /// One line under everything: did the attack succeed.
  ///
  /// For example `"success: Sharon Stone -> Bobbi Sue Luther"` or `"distance 0.71 -> different person"`.
  public var verdict: String

  /// A report from its parts (see the properties for what each holds).
  public init(
    title: AttackReportTitle, original: RGBImage, perturbation: AmplifiedPerturbation,
    adversarial: RGBImage, before: ReportCaption, measurements: ReportCaption,
    after: ReportCaption, verdict: String
  ) {
    self.title = title
    self.original = original
    self.perturbation = perturbation
    self.adversarial = adversarial
    self.before = before
    self.measurements = measurements
    self.after = after
    self.verdict = verdict
  }

  /// The panels' labels, left to right: `"original"`, `"perturbation ×G"`, `"adversarial"`.
  public var panelLabels: [String] {
    ["original", "perturbation \u{00D7}\(perturbation.formattedGain)", "adversarial"]
  }

  /// The caption blocks, left to right: before, measurements, after.
  public var captions: [ReportCaption] { [before, measurements, after] }
}

/// The report's title: `headline` (photo · model) over `details` (method · ε 8 levels ·
/// 40 steps · 12.3 s).
public struct AttackReportTitle: Sendable, Equatable {
  /// The photo's file name, such as `"sharon_stone.jpg"`.
  public var imageName: String
  /// The model attacked, such as `"VGGFace2 ResNet-50"`.
  public var model: String
  /// The attack method and goal, such as `"PGD untargeted"`.
  public var method: String
  /// The L∞ budget in pixel levels (the 0...255 scale), or nil for an attack without one (C&W).
  public var epsilonLevels: Double?
  /// Optimisation steps actually run.
  public var steps: Int
  /// Wall-clock seconds the attack took.
  public var seconds: Double

  /// A title from its fields.
  public init(
    imageName: String, model: String, method: String, epsilonLevels: Double?, steps: Int,
    seconds: Double
  ) {
    self.imageName = imageName
    self.model = model
    self.method = method
    self.epsilonLevels = epsilonLevels
    self.steps = steps
    self.seconds = seconds
  }

  /// The first line: photo and model, `"sharon_stone.jpg · VGGFace2 ResNet-50"`.
  public var headline: String {
    [imageName, model].joined(separator: " \u{00B7} ")
  }

  /// The second line: method, budget, steps, time, `"PGD untargeted · ε 8 levels · 40 steps ·
  /// 12.3 s"`; ε with up to two decimals (omitted when nil), seconds with one.
  public var details: String {
    var parts = [method]
    if let epsilonLevels {
      parts.append("\u{03B5} \(ReportNumberFormat.compact(epsilonLevels)) levels")
    }
    parts.append(steps == 1 ? "1 step" : "\(steps) steps")
    parts.append("\(ReportNumberFormat.fixed(seconds, decimals: 1)) s")
    return parts.joined(separator: " \u{00B7} ")
  }

  /// Both lines as one: `headline · details`.
  public var text: String { headline + " \u{00B7} " + details }
}

/// A caption block: a heading and rows of (name, value), shown under a panel in the picture
/// and as a two-column table (`nameTitle | valueTitle`) in the HTML page.
public struct ReportCaption: Sendable, Equatable {
  /// The line above the rows, such as `"before: top 5"`.
  public var heading: String
  /// The HTML table's column titles, such as `"Name"`, `"Confidence"`.
  public var nameTitle: String
  /// See `nameTitle`.
  public var valueTitle: String
  /// The rows, top first.
  public var rows: [ReportRow]

  /// A caption block from its parts.
  public init(heading: String, nameTitle: String, valueTitle: String, rows: [ReportRow]) {
    self.heading = heading
    self.nameTitle = nameTitle
    self.valueTitle = valueTitle
    self.rows = rows
  }
}

/// One caption row: a name drawn on the left and a value drawn right-aligned.
public struct ReportRow: Sendable, Equatable {
  /// Left column, such as `"Sharon Stone"`, `"L2"`.
  public var name: String
  /// Right column, such as `"99.43%"`; may be empty.
  public var value: String

  /// A row from its two strings.
  public init(name: String, value: String) {
    self.name = name
    self.value = value
  }

  /// A row for a class probability in `0...1`, shown as a percentage with two decimals
  /// (`0.99429` -> `"99.43%"`), or `"<0.01%"` below 0.005%.
  public init(name: String, probability: Double) {
    self.name = name
    let percent = probability * 100
    value = percent < 0.005 ? "<0.01%" : "\(ReportNumberFormat.fixed(percent, decimals: 2))%"
  }
}
