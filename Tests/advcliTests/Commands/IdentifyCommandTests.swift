import ArgumentParser
import FaceNets
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// `advcli identify`: argument rules, output formats, and end-to-end runs of the built binary on
/// the slim keras-vggface fixtures of FaceNetsTests (whose Keras reference numbers are in their
/// `reference.json`).
@Suite struct IdentifyCommandTests {
  static let fixtures = SharedData.packageRoot.appendingPathComponent(
    "Tests/FaceNetsTests/Fixtures/vggface")

  static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

  @Test func parsesEveryOption() throws {
    let command = try AdvCLI.parseAsRoot([
      "identify", "a.png", "b.jpg", "--model", "vggface-vgg16", "--weights", "w.h5", "--labels",
      "l.npy",
      "--models", "/m", "--top", "3", "--no-detect", "--json",
    ])
    let identify = try #require(command as? AdvCLI.Identify)
    #expect(identify.images == ["a.png", "b.jpg"])
    #expect(identify.model == .vggfaceVGG16)
    #expect(
      identify.files.weights == "w.h5" && identify.files.labels == "l.npy"
        && identify.files.folder.models == "/m")
    #expect(identify.top == 3 && identify.noDetect && identify.json)
    let defaults = try #require(
      try AdvCLI.parseAsRoot(["identify", "a.png", "--no-detect"]) as? AdvCLI.Identify)
    #expect(defaults.model == .vggface2ResNet50 && defaults.top == 5 && !defaults.json)
  }

  @Test(arguments: [
    (["identify", "a.png", "--no-detect", "--top", "0"], "--top must be at least 1, got 0"),
    (
      ["identify", "a.png", "--no-detect", "--model", "facenet"],
      "The value 'facenet' is invalid for '--model <model>'. Please provide one of 'vggface2-resnet50', "
        + "'vggface2-senet50' or 'vggface-vgg16'."
    ),
  ])
  func badArgumentsAreExplained(arguments: [String], message: String) {
    #expect(throws: (any Error).self) {
      do {
        _ = try AdvCLI.parseAsRoot(arguments)
      } catch {
        #expect(AdvCLI.message(for: error) == message)
        throw error
      }
    }
  }

  static let faces = [
    FaceIdentification(
      box: nil,
      predictions: [
        ClassPrediction(index: 7422, label: "Sharon Stone", probability: 0.99429),
        ClassPrediction(index: 301, label: "Anita Lipnicka", probability: 0.00223),
      ]),
    FaceIdentification(
      box: PixelBox(x: 10, y: 20, width: 30, height: 40),
      predictions: [ClassPrediction(index: 0, label: "A Fine Frenzy", probability: 1)]),
  ]

  @Test func tablesListNameAndConfidencePerFace() {
    #expect(
      IdentifyOutput.table(image: "p.jpg", faces: Self.faces) == """
        p.jpg: face 1 of 2 (whole image)
          Name            Confidence
          Sharon Stone       99.429%
          Anita Lipnicka      0.223%
        p.jpg: face 2 of 2 (box [10, 20, 30, 40])
          Name           Confidence
          A Fine Frenzy    100.000%
        """)
    #expect(IdentifyOutput.table(image: "p.jpg", faces: []) == "p.jpg: no face found")
  }

  @Test func jsonHasOneObjectPerImageWithNullBoxForWholeImages() throws {
    #expect(
      try IdentifyOutput.jsonLine(image: "dir/p.jpg", faces: Self.faces)
        == #"{"image":"dir/p.jpg","faces":["#
        + #"{"box":null,"predictions":[{"index":7422,"label":"Sharon Stone","probability":0.99429},"#
        + #"{"index":301,"label":"Anita Lipnicka","probability":0.00223}]},"#
        + #"{"box":[10,20,30,40],"predictions":[{"index":0,"label":"A Fine Frenzy","probability":1}]}]}"#
    )
    #expect(
      try IdentifyOutput.jsonLine(image: "p.jpg", faces: []) == #"{"image":"p.jpg","faces":[]}"#)
  }

  // MARK: - The built binary

  /// The Keras reference outputs of the slim fixture models.
  struct Reference: Decodable {
    struct Model: Decodable { let images: [String: Image] }
    struct Image: Decodable {
      let probabilities: [Double]
      let top5: [Int]
    }
    let models: [String: Model]
    let slimLabelsV2: [String]
  }

  @Test func identifiesWholePhotosAsKerasDoes() throws {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    let reference = try decoder.decode(
      Reference.self, from: Data(contentsOf: Self.fixtures.appendingPathComponent("reference.json"))
    )
    let images = ["sharon", "obama_face"]
    let paths = images.map { Self.fixture("\($0).png") }
    let before = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let result = try AdvCLIProcess.run(
      ["identify"] + paths + [
        "--model", "vggface2-resnet50", "--weights", Self.fixture("slim_resnet50.h5"), "--labels",
        Self.fixture("slim_labels_v2.npy"), "--no-detect", "--json", "--top", "5",
      ])
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.count == images.count)
    for (line, (key, path)) in zip(lines, zip(images, paths)) {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["image"] as? String == path)
      let faces = try #require(object["faces"] as? [[String: Any]])
      #expect(faces.count == 1)
      #expect(faces.first?["box"] is NSNull)
      let predictions = try #require(faces.first?["predictions"] as? [[String: Any]])
      let expected = try #require(reference.models["resnet50"]?.images[key])
      #expect(predictions.compactMap { $0["index"] as? Int } == expected.top5)
      for prediction in predictions {
        let index = try #require(prediction["index"] as? Int)
        let probability = try #require((prediction["probability"] as? NSNumber)?.doubleValue)
        #expect(abs(probability - expected.probabilities[index]) <= 1e-4)
        #expect(
          prediction["label"] as? String == ClassLabels.displayName(reference.slimLabelsV2[index]))
      }
    }
    #expect(try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "identifiesEveryDetectedFace")))
  func identifiesEveryDetectedFace() throws {
    let photos = ["two_people.jpg", "no_faces_cartoon.jpg"]
    let result = try AdvCLIProcess.run(
      ["identify"] + photos.map { SharedData.url("data/faces/\($0)").path } + [
        "--weights", Self.fixture("slim_resnet50.h5"), "--labels",
        Self.fixture("slim_labels_v2.npy"), "--json", "--top", "3",
      ])
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    try #require(lines.count == 2)
    for (line, photo) in zip(lines, photos) {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      let faces = try #require(object["faces"] as? [[String: Any]])
      // Every face MTCNN finds, in its order, with the package's integer boxes.
      #expect(faces.compactMap { $0["box"] as? [Int] } == (try MTCNNReference.boxes(of: photo)))
      #expect(faces.allSatisfy { ($0["predictions"] as? [[String: Any]])?.count == 3 })
    }
  }

  @Test func mismatchedLabelsExitWithStatus2AndAMessage() throws {
    let weights = Self.fixture("slim_vgg16_notop.h5")
    let result = try AdvCLIProcess.run([
      "identify", Self.fixture("sharon.png"), "--model", "vggface-vgg16", "--weights", weights,
      "--labels", Self.fixture("slim_labels_v1.npy"), "--no-detect",
    ])
    #expect(result.status == 2)
    #expect(result.standardOutput.isEmpty)
    #expect(
      result.standardError
        == "advcli: \(weights): no 'fc8' layer: this is a \"notop\" file without the classifier; "
        + "identifying faces needs the full weights file\n")
  }
}
