import ArgumentParser
import FacePipeline
import Foundation

extension AdvCLI {
  /// `advcli verify A B`: whether two images show the same person, by dlib's descriptor distance.
  struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Tell whether two images show the same person (dlib descriptor distance).",
      discussion: """
        Compares the largest face of each image (or the faces chosen with --face-a/--face-b, \
        0-based) by the Euclidean distance between their dlib descriptors: the same person when \
        it is at most the threshold. Exit status 0 whenever a distance was computed, 2 on bad \
        input or when an image has no face.
        """)

    @Argument(help: "The first image.")
    var imageA: String

    @Argument(help: "The second image.")
    var imageB: String

    @Option(help: "The largest distance at which the faces are the same person.")
    var threshold: Double = 0.6

    @Option(help: "The face of the first image to compare (0-based; default: the largest).")
    var faceA: Int?

    @Option(help: "The face of the second image to compare (0-based; default: the largest).")
    var faceB: Int?

    @OptionGroup var embedding: EmbeddingOptions

    @Flag(help: "Print {\"distance\", \"threshold\", \"same_person\"} as JSON.")
    var json = false

    func validate() throws {
      guard threshold.isFinite, threshold >= 0 else {
        throw ValidationError("--threshold must be a finite number >= 0, got \(threshold)")
      }
      for (name, index) in [("--face-a", faceA), ("--face-b", faceB)] {
        if let index, index < 0 {
          throw ValidationError("\(name) must be >= 0 (faces are numbered from 0), got \(index)")
        }
      }
    }

    func run() throws {
      try exitingWithStatus2OnBadInput {
        let embedder = try DlibFaceEmbedder(models: embedding.modelDirectory)
        let detector = try embedding.detector()
        let a = try descriptor(of: imageA, face: faceA, embedder: embedder, detector: detector)
        let b = try descriptor(of: imageB, face: faceB, embedder: embedder, detector: detector)
        let distance = DlibFaceEmbedder.distance(a, b)
        let same = distance <= threshold
        if json {
          print(
            "{\"distance\": \(distance), \"threshold\": \(threshold), \"same_person\": \(same)}")
        } else {
          let comparison = same ? "<=" : ">"
          let verdict = same ? "same person" : "different people"
          print(
            "distance \(String(format: "%.6f", distance)) \(comparison) threshold \(threshold): "
              + verdict)
        }
      }
    }

    /// The descriptor of face `index` (default: the largest) of the image at `path`.
    private func descriptor(
      of path: String, face index: Int?, embedder: DlibFaceEmbedder, detector: (any FaceDetecting)?
    ) throws -> [Float] {
      let faces = try embedder.embedFaces(inImageAt: URL(fileURLWithPath: path), detector: detector)
      guard let largest = DlibFaceEmbedder.largestFace(of: faces) else {
        throw FaceEmbeddingError.noFace(image: path)
      }
      let chosen = index ?? largest
      guard chosen < faces.count else {
        throw FaceEmbeddingError.faceIndexOutOfRange(image: path, index: chosen, count: faces.count)
      }
      return faces[chosen].descriptor
    }
  }
}
