import ArgumentParser
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// `../shared/fixtures/dlib-chips`: the chips and dlib's descriptors of them.
enum DlibChipFixture {
  static func path(_ chip: String) -> String {
    SharedData.url("fixtures/dlib-chips/\(chip)").path
  }

  /// `expected.json`'s descriptor of `chip`.
  static func descriptor(_ chip: String) throws -> [Double] {
    let data = try Data(contentsOf: SharedData.url("fixtures/dlib-chips/expected.json"))
    let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let chips = try #require(json["chips"] as? [[String: Any]])
    let entry = try #require(chips.first { $0["chip"] as? String == chip })
    return try #require(entry["descriptor"] as? [Double])
  }
}

@Suite struct EmbedCommandParsingTests {
  @Test func imagesAndFlagsParse() throws {
    let command = try #require(
      try AdvCLI.parseAsRoot(["embed", "a.png", "b.jpg", "--no-detect", "--json", "--models", "/m"])
        as? AdvCLI.Embed)
    #expect(command.images == ["a.png", "b.jpg"])
    #expect(command.embedding.noDetect && command.json)
    #expect(
      command.embedding.modelDirectory.searchPath == [URL(fileURLWithPath: "/m", isDirectory: true)]
    )
  }

  @Test func anImageIsRequired() throws {
    let error = try #require(
      #expect(throws: (any Error).self) { try AdvCLI.parseAsRoot(["embed", "--no-detect"]) })
    #expect(AdvCLI.exitCode(for: error) == .validationFailure)
    #expect(AdvCLI.message(for: error).contains("Missing expected argument '<images> ...'"))
  }

  @Test func jsonOutputHasTheDocumentedShape() throws {
    let line = EmbedOutput.json(image: "dir/a \"b\".png", faces: [])
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    #expect(object["image"] as? String == "dir/a \"b\".png")
    #expect((object["faces"] as? [Any])?.isEmpty == true)
    #expect(!line.contains("\n"))
  }
}

@Suite struct EmbedCommandEndToEndTests {
  /// The dlib model files are required: without them each test fails naming `make setup`.
  init() throws {
    try AdvCLIProcess.requireDlibModels()
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "embedsTwoChipsAsTwoJSONLines")))
  func embedsTwoChipsAsTwoJSONLines() throws {
    let chips = ["obama_face0.png", "two_people_face0.png"]
    let paths = chips.map(DlibChipFixture.path)
    let before = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
    let result = try AdvCLIProcess.run(["embed", "--no-detect", "--json"] + paths)
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.count == 2)
    for (line, (chip, path)) in zip(lines, zip(chips, paths)) {
      let object = try #require(
        try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
      #expect(object["image"] as? String == path)
      let faces = try #require(object["faces"] as? [[String: Any]])
      #expect(faces.count == 1)
      #expect(faces[0]["box"] is NSNull)
      let descriptor = try #require(faces[0]["descriptor"] as? [Double])
      let expected = try DlibChipFixture.descriptor(chip)
      #expect(descriptor.count == 128)
      let worst = zip(descriptor, expected).map { abs($0 - $1) }.max() ?? .infinity
      #expect(worst <= 1e-4, "\(chip): largest difference \(worst)")
    }
    // The inputs are untouched.
    #expect(try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) } == before)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "textOutputListsEveryFace")))
  func textOutputListsEveryFace() throws {
    let path = DlibChipFixture.path("faceSharon_face0.png")
    let result = try AdvCLIProcess.run(["embed", "--no-detect", path])
    #expect(result.status == 0, "\(result.standardError)")
    let lines = result.standardOutput.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines.first == "\(path): 1 face")
    #expect(lines.last?.split(separator: " ").count == 128)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "detectsAlignsAndEmbedsEveryFace")))
  func detectsAlignsAndEmbedsEveryFace() throws {
    let photo = SharedData.url("data/faces/two_people.jpg").path
    let result = try AdvCLIProcess.run(["embed", "--json", photo])
    #expect(result.status == 0, "\(result.standardError)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    let faces = try #require(object["faces"] as? [[String: Any]])
    #expect(faces.count == 2)
    for face in faces {
      let box = try #require(face["box"] as? [Double])
      #expect(box.count == 4 && box[2] > 100 && box[3] > 100)
      #expect((face["descriptor"] as? [Double])?.count == 128)
    }
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aPhotoWithoutFacesGivesAnEmptyList")))
  func aPhotoWithoutFacesGivesAnEmptyList() throws {
    let photo = SharedData.url("data/faces/no_faces_cartoon.jpg").path
    let result = try AdvCLIProcess.run(["embed", "--json", photo])
    #expect(result.status == 0, "\(result.standardError)")
    #expect(result.standardOutput == "{\"image\": \"\(photo)\", \"faces\": []}\n")
  }

  @Test func anUnreadableImageExitsWithStatus2() throws {
    let missing = FileManager.default.temporaryDirectory
      .appendingPathComponent("no-such-\(UUID().uuidString).png").path
    let result = try AdvCLIProcess.run(["embed", "--no-detect", "--json", missing])
    #expect(result.status == 2)
    #expect(result.standardError.hasPrefix("advcli: "))
    #expect(result.standardError.contains((missing as NSString).lastPathComponent))
    #expect(result.standardOutput.isEmpty)
  }

  @Test func aMissingModelFolderExitsWithStatus2() throws {
    let folder = FileManager.default.temporaryDirectory
      .appendingPathComponent("no-models-\(UUID().uuidString)").path
    let result = try AdvCLIProcess.run(["embed", "--no-detect", "--models", folder, "x.png"])
    #expect(result.status == 2)
    #expect(result.standardError.contains("dlib_face_recognition_resnet_model_v1.dat not found"))
  }
}
