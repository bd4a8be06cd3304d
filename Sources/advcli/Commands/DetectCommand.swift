import ArgumentParser
import FacePipeline
import Foundation

extension AdvCLI {
  /// `advcli detect IMAGE...`: find faces with MTCNN and print their boxes, confidences and
  /// landmarks.
  struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find faces (MTCNN) and print their boxes, confidences and five landmarks.",
      discussion: """
        Boxes are [x, y, width, height] and landmarks [x, y], in integer pixels of the upright \
        image, as the Python package mtcnn 0.1.1 reports them, faces in its order (by decreasing \
        confidence). An image without faces gives an empty list.
        """)

    @Argument(help: "The photos (PNG or JPEG).")
    var images: [String]

    @Flag(help: "Print one JSON object per image, one per line.")
    var json = false

    @Option(
      parsing: .unconditional,
      help: """
        The smallest face side to look for, in pixels (at least \
        \(MTCNNOptions.smallestMinFaceSize)).
        """)
    var minFaceSize = MTCNNOptions().minFaceSize

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "The P-Net, R-Net and O-Net score thresholds, each in 0...1.", valueName: "p,r,o"))
    var thresholds = ThresholdsArgument(MTCNNOptions().thresholds)

    @Option(
      parsing: .unconditional,
      help: """
        The ratio between image pyramid levels, \(MTCNNOptions.scaleFactorRange.lowerBound) to \
        \(MTCNNOptions.scaleFactorRange.upperBound).
        """)
    var scaleFactor = MTCNNOptions().scaleFactor

    @Option(help: "Write the image with the boxes and landmarks drawn on it to this PNG file.")
    var draw: String?

    /// The detector options the arguments give.
    var options: MTCNNOptions {
      MTCNNOptions(minFaceSize: minFaceSize, scaleFactor: scaleFactor, thresholds: thresholds.value)
    }

    /// advcli's spelling of the detector's options.
    static let errors = LibraryErrors(options: [
      "minFaceSize": "--min-face-size", "scaleFactor": "--scale-factor",
      "thresholds.pnet": "--thresholds (pnet)", "thresholds.rnet": "--thresholds (rnet)",
      "thresholds.onet": "--thresholds (onet)",
    ])

    func validate() throws {
      guard !images.isEmpty else { throw ValidationError("Give at least one IMAGE.") }
      if let draw {
        guard !draw.isEmpty else { throw ValidationError("--draw: the path is empty") }
        guard images.count == 1 else {
          throw ValidationError("--draw needs exactly one IMAGE, got \(images.count).")
        }
        let output = URL(fileURLWithPath: draw).standardizedFileURL.path
        guard output != URL(fileURLWithPath: images[0]).standardizedFileURL.path else {
          throw ValidationError("--draw must not overwrite the input image \(images[0]).")
        }
      }
      do {
        try PhotoDetector.check(options)
      } catch {
        throw Self.errors.validationError(error)
      }
    }

    func run() throws {
      let detector = try Self.errors.reporting {
        if let draw { try OutputDestination.check(URL(fileURLWithPath: draw)) }
        return try PhotoDetector(options: options)
      }
      var failed = false
      for path in images {
        do {
          try Self.errors.reporting {
            let detections = try detector.detect(photoAt: URL(fileURLWithPath: path))
            print(
              json
                ? DetectionReport.json(image: path, detections: detections)
                : DetectionReport.table(image: path, detections: detections))
            if let draw { try detections.writeAnnotatedPNG(to: URL(fileURLWithPath: draw)) }
          }
        } catch let error as ExitCode where error == badInputExitCode {
          failed = true
        }
      }
      if failed { throw badInputExitCode }
    }
  }
}

/// `--thresholds a,b,c`: the P-Net, R-Net and O-Net thresholds.
struct ThresholdsArgument: ExpressibleByArgument {
  let value: StageThresholds

  init(_ value: StageThresholds) { self.value = value }

  init?(argument: String) {
    let values = argument.split(separator: ",", omittingEmptySubsequences: false)
      .map { Double($0.trimmingCharacters(in: .whitespaces)) }
    guard values.count == 3, let pnet = values[0], let rnet = values[1], let onet = values[2] else {
      return nil
    }
    value = StageThresholds(pnet: pnet, rnet: rnet, onet: onet)
  }

  var defaultValueDescription: String {
    [value.pnet, value.rnet, value.onet].map { "\($0)" }.joined(separator: ",")
  }
}
