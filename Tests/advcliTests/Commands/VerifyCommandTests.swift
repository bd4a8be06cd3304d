import ArgumentParser
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

@Suite struct VerifyCommandParsingTests {
  @Test func defaultsAndOptionsParse() throws {
    let plain = try #require(
      try AdvCLI.parseAsRoot(["verify", "a.png", "b.png"]) as? AdvCLI.Verify)
    #expect(plain.threshold == 0.6 && plain.faceA == nil && plain.faceB == nil)
    #expect(!plain.embedding.noDetect && !plain.json)
    let chosen = try #require(
      try AdvCLI.parseAsRoot([
        "verify", "a.png", "b.png", "--threshold", "0.5", "--face-a", "1", "--face-b", "0",
        "--no-detect", "--json",
      ]) as? AdvCLI.Verify)
    #expect(chosen.threshold == 0.5 && chosen.faceA == 1 && chosen.faceB == 0)
    #expect(chosen.imageA == "a.png" && chosen.imageB == "b.png")
  }

  /// Usage errors: ArgumentParser's exit status 64 and these messages.
  @Test(arguments: [
    (["verify", "a.png"], "Missing expected argument '<image-b>'"),
    (
      ["verify", "a.png", "b.png", "--threshold=-0.1"],
      "--threshold must be a finite number >= 0, got -0.1"
    ),
    (
      ["verify", "a.png", "b.png", "--threshold", "nan"],
      "--threshold must be a finite number >= 0, got nan"
    ),
    (
      ["verify", "a.png", "b.png", "--face-a=-1"],
      "--face-a must be >= 0 (faces are numbered from 0), got -1"
    ),
    (
      ["verify", "a.png", "b.png", "--face-b=-3"],
      "--face-b must be >= 0 (faces are numbered from 0), got -3"
    ),
    (
      ["verify", "a.png", "b.png", "--threshold", "x"],
      "The value 'x' is invalid for '--threshold <threshold>'"
    ),
  ])
  func usageErrorsExitWith64(_ arguments: [String], _ message: String) throws {
    let error = try #require(
      #expect(throws: (any Error).self) { try AdvCLI.parseAsRoot(arguments) })
    #expect(AdvCLI.exitCode(for: error) == .validationFailure)
    #expect(AdvCLI.message(for: error).contains(message), "\(AdvCLI.message(for: error))")
  }
}

@Suite struct VerifyCommandEndToEndTests {
  /// The dlib model files are required: without them each test fails naming `make setup`.
  init() throws {
    try AdvCLIProcess.requireDlibModels()
  }

  /// `expected.json`'s distance between two chips.
  private func dlibDistance(_ a: String, _ b: String) throws -> Double {
    let (x, y) = (try DlibChipFixture.descriptor(a), try DlibChipFixture.descriptor(b))
    return zip(x, y).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
  }

  @Test(
    .enabled(if: SharedData.isAvailable(for: "verdictsAndDistancesMatchDlib")),
    arguments: [
      ("obama_face0.png", "two_people_face1.png"), ("obama_face0.png", "two_people_face0.png"),
    ])
  func verdictsAndDistancesMatchDlib(_ a: String, _ b: String) throws {
    let result = try AdvCLIProcess.run([
      "verify", "--no-detect", "--json", DlibChipFixture.path(a), DlibChipFixture.path(b),
    ])
    #expect(result.status == 0, "\(result.standardError)")
    let object = try #require(
      try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    #expect(Set(object.keys) == ["distance", "threshold", "same_person"])
    let distance = try #require(object["distance"] as? Double)
    let expected = try dlibDistance(a, b)
    #expect(abs(distance - expected) < 1e-4, "distance \(distance), dlib \(expected)")
    #expect(object["threshold"] as? Double == 0.6)
    #expect(object["same_person"] as? Bool == (expected <= 0.6))
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "theThresholdDecidesAndTextSaysSo")))
  func theThresholdDecidesAndTextSaysSo() throws {
    let (a, b) = ("obama_face0.png", "two_people_face1.png")
    let expected = try dlibDistance(a, b)
    let strict = try AdvCLIProcess.run([
      "verify", "--no-detect", "--threshold", String(expected / 2), DlibChipFixture.path(a),
      DlibChipFixture.path(b),
    ])
    #expect(strict.status == 0)
    #expect(strict.standardOutput.hasSuffix(": different people\n"), "\(strict.standardOutput)")
    let loose = try AdvCLIProcess.run([
      "verify", "--no-detect", DlibChipFixture.path(a), DlibChipFixture.path(b),
    ])
    #expect(loose.standardOutput.hasSuffix(": same person\n"), "\(loose.standardOutput)")
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aFaceIndexBeyondTheFacesExitsWithStatus2")))
  func aFaceIndexBeyondTheFacesExitsWithStatus2() throws {
    let path = DlibChipFixture.path("obama_face0.png")
    let result = try AdvCLIProcess.run(["verify", "--no-detect", "--face-b", "1", path, path])
    #expect(result.status == 2)
    #expect(
      result.standardError
        == "advcli: \(path): face 1 requested, but the image has 1 face (indices start at 0)\n")
    #expect(result.standardOutput.isEmpty)
  }

  /// two_people.jpg: MTCNN lists Obama first and Biden (the larger box) second.
  @Test(
    .enabled(if: SharedData.isAvailable(for: "photosAreComparedByTheirLargestOrChosenFaces")))
  func photosAreComparedByTheirLargestOrChosenFaces() throws {
    let obama = SharedData.url("data/faces/obama.jpg").path
    let twoPeople = SharedData.url("data/faces/two_people.jpg").path
    func verdict(_ arguments: [String]) throws -> Bool? {
      let result = try AdvCLIProcess.run(["verify", "--json"] + arguments)
      #expect(result.status == 0, "\(result.standardError)")
      let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8))
      return (object as? [String: Any])?["same_person"] as? Bool
    }
    #expect(try verdict([obama, twoPeople]) == false)
    #expect(try verdict([obama, twoPeople, "--face-b", "0"]) == true)
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "aPhotoWithoutFacesExitsWithStatus2")))
  func aPhotoWithoutFacesExitsWithStatus2() throws {
    let cartoon = SharedData.url("data/faces/no_faces_cartoon.jpg").path
    let result = try AdvCLIProcess.run(["verify", cartoon, cartoon])
    #expect(result.status == 2)
    #expect(result.standardError == "advcli: \(cartoon): no face found\n")
  }

  @Test func anUnreadableImageExitsWithStatus2() throws {
    let missing = FileManager.default.temporaryDirectory
      .appendingPathComponent("no-such-\(UUID().uuidString).jpg").path
    let result = try AdvCLIProcess.run(["verify", "--no-detect", missing, missing])
    #expect(result.status == 2)
    #expect(result.standardError.contains((missing as NSString).lastPathComponent))
  }

  @Test func aUsageErrorExitsWith64() throws {
    let result = try AdvCLIProcess.run(["verify", "only-one.png"])
    #expect(result.status == 64)
  }
}
