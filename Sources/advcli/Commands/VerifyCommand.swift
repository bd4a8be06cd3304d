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

    @Option(
      parsing: .unconditional,
      help: "The largest distance at which the faces are the same person.")
    var threshold: Double = 0.6

    @Option(
      parsing: .unconditional,
      help: "The face of the first image to compare (0-based; default: the largest).")
    var faceA: Int?

    @Option(
      parsing: .unconditional,
      help: "The face of the second image to compare (0-based; default: the largest).")
    var faceB: Int?

    @OptionGroup var embedding: EmbeddingOptions

    @Flag(help: "Print {\"distance\", \"threshold\", \"same_person\"} as JSON.")
    var json = false

    /// advcli's spelling of the library's parameters.
    static let errors = LibraryErrors(options: [
      "threshold": "--threshold", "faceA": "--face-a", "faceB": "--face-b",
    ])

    func validate() throws {
      do {
        try PhotoEmbedder.check(threshold: threshold, faceA: faceA, faceB: faceB)
      } catch {
        throw Self.errors.validationError(error)
      }
    }

    func run() throws {
      try Self.errors.reporting {
        let comparison = try embedding.embedder().compare(
          URL(fileURLWithPath: imageA), face: faceA, with: URL(fileURLWithPath: imageB),
          face: faceB, threshold: threshold)
        let (distance, same) = (comparison.distance, comparison.samePerson)
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
  }
}
