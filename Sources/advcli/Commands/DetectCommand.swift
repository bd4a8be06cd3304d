import ArgumentParser
import FacePipeline
import Foundation

extension AdvCLI {
  /// `advcli detect IMAGE...`: find faces with MTCNN, dlib's HOG or dlib's CNN detector and
  /// print their boxes, confidences and (MTCNN's) landmarks.
  struct Detect: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Find faces and print their boxes, confidences and (MTCNN's) five landmarks.",
      discussion: """
        Boxes are [x, y, width, height] in integer pixels of the upright image. MTCNN's boxes \
        and landmarks are as the Python package mtcnn 0.1.1 reports them, its confidence a \
        probability; dlib's rectangles are reported as [left, top, right - left + 1, \
        bottom - top + 1] and their confidence is dlib's score (above 0 for a face). Each \
        detector's faces come in its order (best first), the detectors in the order given. An \
        image without faces gives an empty list.
        """)

    @Argument(help: "The photos (PNG or JPEG).")
    var images: [String]

    @Flag(help: "Print one JSON object per image, one per line.")
    var json = false

    @Option(
      parsing: .unconditional,
      help: """
        MTCNN only: the smallest face side to look for, in pixels (at least \
        \(MTCNNOptions.smallestMinFaceSize)).
        """)
    var minFaceSize = MTCNNOptions().minFaceSize

    @Option(
      parsing: .unconditional,
      help: ArgumentHelp(
        "MTCNN only: the P-Net, R-Net and O-Net score thresholds, each in 0...1.",
        valueName: "p,r,o"))
    var thresholds = ThresholdsArgument(MTCNNOptions().thresholds)

    @Option(
      parsing: .unconditional,
      help: """
        MTCNN only: the ratio between image pyramid levels, \
        \(MTCNNOptions.scaleFactorRange.lowerBound) to \
        \(MTCNNOptions.scaleFactorRange.upperBound).
        """)
    var scaleFactor = MTCNNOptions().scaleFactor

    @Option(
      name: .customLong("detector"),
      help: ArgumentHelp(
        """
        The detectors to run, comma-separated: \
        \(FaceDetectorKind.allCases.map(\.rawValue).joined(separator: ", ")) (dlib-cnn reads \
        mmod_human_face_detector.dat from the model folder).
        """, valueName: "names"))
    var detectors = DetectorListArgument([.mtcnn])

    @Option(
      parsing: .unconditional,
      help: """
        dlib detectors only: how many times to double the photo first, \
        \(PhotoDetector.upsampleRange.lowerBound) to \(PhotoDetector.upsampleRange.upperBound) \
        (1 finds faces down to about 40 pixels, as face_recognition does).
        """)
    var upsample = 1

    @Option(
      help: """
        Write the image with the boxes (MTCNN green, dlib-hog blue, dlib-cnn orange) and \
        MTCNN's landmarks drawn on it to this PNG file.
        """)
    var draw: String?

    /// The detector options the arguments give.
    var options: MTCNNOptions {
      MTCNNOptions(minFaceSize: minFaceSize, scaleFactor: scaleFactor, thresholds: thresholds.value)
    }

    /// advcli's spelling of the detector's options.
    static let errors = LibraryErrors(options: [
      "minFaceSize": "--min-face-size", "scaleFactor": "--scale-factor",
      "detectors": "--detector", "upsample": "--upsample",
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
        try PhotoDetector.check(detectors: detectors.value, upsample: upsample)
      } catch {
        throw Self.errors.validationError(error)
      }
    }

    func run() throws {
      let detector = try Self.errors.reporting {
        if let draw { try OutputDestination.check(URL(fileURLWithPath: draw)) }
        return try PhotoDetector(
          options: options, detectors: detectors.value, upsample: upsample)
      }
      var failed = false
      for path in images {
        do {
          try Self.errors.reporting {
            let detections = try detector.detect(photoAt: URL(fileURLWithPath: path))
            print(
              json
                ? DetectionReport.json(image: path, detections: detections)
                : DetectionReport.table(
                  image: path, detections: detections, detectors: detectors.value))
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

/// `--detector a,b`: the detectors to run, each once, in the order given.
struct DetectorListArgument: ExpressibleByArgument {
  let value: [FaceDetectorKind]

  init(_ value: [FaceDetectorKind]) { self.value = value }

  init?(argument: String) {
    guard let kinds = FaceDetectorKind.list(argument) else { return nil }
    value = kinds
  }

  var defaultValueDescription: String { value.map(\.rawValue).joined(separator: ",") }
}
