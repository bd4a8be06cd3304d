import ArgumentParser
import FacePipeline
import FaceTestSupport
import Foundation
import Testing

@testable import advcli

/// `advcli detect`: argument rules, and runs of the built binary on shared photos.
@Suite struct DetectCommandTests {
  /// Arguments `advcli detect` refuses, and a part of the usage message each gives.
  @Test(arguments: [
    (["detect"], "Missing expected argument '<images> ...'"),
    (["detect", "a.jpg", "b.jpg", "--draw", "out.png"], "--draw needs exactly one IMAGE, got 2."),
    (["detect", "a.jpg", "--draw", "./a.jpg"], "--draw must not overwrite the input image a.jpg."),
    (
      ["detect", "a.jpg", "--thresholds", "0.6,0.7"],
      "The value '0.6,0.7' is invalid for '--thresholds"
    ),
    (["detect", "a.jpg", "--thresholds", "0.6,x,0.7"], "The value '0.6,x,0.7' is invalid"),
    (
      ["detect", "a.jpg", "--thresholds", "0.6,1.5,0.7"],
      "--thresholds (rnet) must be in 0...1, got 1.5"
    ),
    (["detect", "a.jpg", "--min-face-size", "3"], "--min-face-size must be at least 4, got 3"),
    (
      ["detect", "a.jpg", "--scale-factor", "1.2"], "--scale-factor must be in 0.1...0.95, got 1.2"
    ),
    (
      ["detect", "a.jpg", "--scale-factor", "0.99999999"],
      "--scale-factor must be in 0.1...0.95, got 0.99999999"
    ),
    (
      ["detect", "a.jpg", "--scale-factor", "-1"], "--scale-factor must be in 0.1...0.95, got -1.0"
    ),
    (["detect", "a.jpg", "--draw", ""], "--draw: the path is empty"),
    (["detect", "a.jpg", "--detector", "dlib"], "The value 'dlib' is invalid for '--detector"),
    (["detect", "a.jpg", "--detector", "mtcnn,mtcnn"], "is invalid for '--detector"),
    (["detect", "a.jpg", "--detector", ""], "is invalid for '--detector"),
    (["detect", "a.jpg", "--upsample", "3"], "--upsample must be 0 to 2, got 3"),
    (["detect", "a.jpg", "--upsample", "-1"], "--upsample must be 0 to 2, got -1"),
  ])
  func invalidArgumentsAreUsageErrors(_ arguments: [String], message: String) {
    do {
      _ = try AdvCLI.parseAsRoot(arguments)
      Issue.record("\(arguments) was accepted")
    } catch {
      let text = AdvCLI.message(for: error)
      #expect(text.contains(message), "\(text)")
      #expect(AdvCLI.exitCode(for: error) == .validationFailure)
    }
  }

  @Test func optionsReachTheDetector() throws {
    let command = try AdvCLI.parseAsRoot([
      "detect", "a.jpg", "--json", "--min-face-size", "40", "--thresholds", "0.5, 0.6,0.9",
      "--scale-factor", "0.5", "--draw", "out.png",
    ])
    let detect = try #require(command as? AdvCLI.Detect)
    #expect(detect.json)
    #expect(detect.draw == "out.png")
    #expect(
      detect.options
        == MTCNNOptions(
          minFaceSize: 40, scaleFactor: 0.5,
          thresholds: StageThresholds(pnet: 0.5, rnet: 0.6, onet: 0.9)))
  }

  @Test func defaultsAreThePackages() throws {
    let detect = try #require(try AdvCLI.parseAsRoot(["detect", "a.jpg"]) as? AdvCLI.Detect)
    #expect(detect.options == MTCNNOptions())
    #expect(!detect.json)
    #expect(detect.detectors.value == [.mtcnn] && detect.upsample == 1)
  }

  @Test func detectorsComeInTheOrderGiven() throws {
    let detect = try #require(
      try AdvCLI.parseAsRoot([
        "detect", "a.jpg", "--detector", "dlib-cnn, mtcnn", "--upsample", "0",
      ])
        as? AdvCLI.Detect)
    #expect(detect.detectors.value == [.dlibCNN, .mtcnn] && detect.upsample == 0)
  }

  /// Every detector on one photo: each face labelled, the detectors in the order given, dlib's
  /// boxes as `[left, top, right - left + 1, bottom - top + 1]` of dlib 20's rectangles (the
  /// reference of Tests/FaceNetsTests/Fixtures/dlib_cnn), and each detector's colour drawn.
  @Test(.enabled(if: SharedData.isAvailable(for: "everyDetectorLabelsItsFaces")))
  func everyDetectorLabelsItsFaces() throws {
    try AdvCLIProcess.requireDlibModels()
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let photo = SharedData.url("data/faces/two_people.jpg").path
    let drawing = folder.appendingPathComponent("boxes.png")
    let run = try AdvCLIProcess.run([
      "detect", photo, "--json", "--detector", "dlib-cnn,mtcnn,dlib-hog", "--draw", drawing.path,
    ])
    #expect(run.status == 0, "\(run.standardError)")
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(run.standardOutput.utf8)) as? [String: Any])
    let faces = try #require(object["faces"] as? [[String: Any]])
    let detectors = faces.compactMap { $0["detector"] as? String }
    #expect(detectors == ["dlib-cnn", "dlib-cnn", "mtcnn", "mtcnn", "dlib-hog", "dlib-hog"])
    let cnnBoxes = faces.prefix(2).compactMap { $0["box"] as? [Int] }
    let reference = try DlibCNNReference.rectangles(of: "data/faces/two_people.jpg")
    #expect(cnnBoxes == reference.map { [$0[0], $0[1], $0[2] - $0[0] + 1, $0[3] - $0[1] + 1] })
    #expect(
      faces.prefix(2).allSatisfy {
        $0["keypoints"] == nil && ($0["confidence"] as? Double ?? 0) > 0
      })
    #expect(faces[2]["keypoints"] != nil)

    let drawn = try RGBImage(contentsOf: drawing)
    let box = cnnBoxes[0]
    let edge = drawn[box[0], box[1] + box[3] / 2]
    #expect(edge.red == 255 && edge.green == 160 && edge.blue == 0, "\(edge)")

    let table = try AdvCLIProcess.run(["detect", photo, "--detector", "dlib-cnn"])
    #expect(table.status == 0)
    #expect(table.standardOutput.contains("detector  box x, y, w, h"))
    #expect(!table.standardOutput.contains("left_eye"))
  }

  @Test func jsonEscapesTheImageName() {
    let line = DetectionReport.json(
      image: "a \"b\"\\c\n.jpg",
      detections: PhotoDetections(photo: RGBImage(width: 3, height: 2), faces: []))
    #expect(line == #"{"image": "a \"b\"\\c\n.jpg", "width": 3, "height": 2, "faces": []}"#)
  }

  /// The built `advcli` on a copy of obama.jpg with `--json --draw`: exit 0, one JSON line with
  /// the faces of the `mtcnn` package, a new PNG written atomically, the input untouched.
  @Test(.enabled(if: SharedData.isAvailable(for: "detectWritesJSONAndDrawing")))
  func detectWritesJSONAndDrawing() throws {
    let folder = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("obama.jpg")
    try FileManager.default.copyItem(at: SharedData.url("data/faces/obama.jpg"), to: input)
    let original = try Data(contentsOf: input)
    let drawing = folder.appendingPathComponent("boxes.png")

    let run = try AdvCLIProcess.run(["detect", input.path, "--json", "--draw", drawing.path])
    #expect(run.status == 0, "\(run.standardError)")
    let lines = run.standardOutput.split(separator: "\n")
    #expect(lines.count == 1)
    let object = try #require(
      JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
    #expect(object["image"] as? String == input.path)
    let size = [object["width"] as? Int, object["height"] as? Int]
    #expect(size == [910, 1137])
    let faces = try #require(object["faces"] as? [[String: Any]])
    let reference = try MTCNNReference.faces(of: "obama.jpg")
    #expect(faces.count == reference.count)
    for (face, expected) in zip(faces, reference) {
      let box = try #require(face["box"] as? [Int])
      let expectedBox = try #require(expected["box"] as? [Int])
      #expect(zip(box, expectedBox).allSatisfy { abs($0 - $1) <= 2 }, "\(box) vs \(expectedBox)")
      let keypoints = try #require(face["keypoints"] as? [String: [Int]])
      #expect(Set(keypoints.keys) == Set(FaceLandmarks.names))
      let confidence = try #require(face["confidence"] as? Double)
      #expect(abs(confidence - (expected["confidence"] as? Double ?? -1)) <= 0.01)
    }

    #expect(try Data(contentsOf: input) == original)
    let drawn = try RGBImage(contentsOf: drawing)
    #expect(drawn.width == 910 && drawn.height == 1137)
    #expect(drawn != (try RGBImage(contentsOf: input)))
    #expect(try Data(contentsOf: drawing).starts(with: [0x89, 0x50, 0x4E, 0x47]))
    // Written through a temporary file that was renamed: nothing else is left in the folder.
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names == ["boxes.png", "obama.jpg"])
  }

  /// Two images print a table each; the cartoon has no faces and still exits 0.
  @Test(.enabled(if: SharedData.isAvailable(for: "detectPrintsATablePerImage")))
  func detectPrintsATablePerImage() throws {
    let cartoon = SharedData.url("data/faces/no_faces_cartoon.jpg").path
    let ivan = SharedData.url("data/faces/ivan.jpg").path
    let run = try AdvCLIProcess.run(["detect", cartoon, ivan])
    #expect(run.status == 0, "\(run.standardError)")
    #expect(run.standardOutput.contains("\(cartoon): 199x148, 0 faces\n"))
    #expect(run.standardOutput.contains("\(ivan): 561x561, 2 faces\n"))
    #expect(run.standardOutput.contains("left_eye"))

    let json = try AdvCLIProcess.run(["detect", "--json", cartoon])
    #expect(json.status == 0)
    #expect(
      json.standardOutput
        == #"{"image": "\#(cartoon)", "width": 199, "height": 148, "faces": []}"# + "\n")
  }

  /// A pyramid ratio near 1 (which would build levels until memory runs out) is refused at once,
  /// as is a drawing into a folder that does not exist; neither reads the photo.
  @Test func refusedBeforeTheDetectorRuns() throws {
    let ratio = try AdvCLIProcess.run(
      ["detect", "/nonexistent/face.jpg", "--scale-factor", "0.99999999"])
    #expect(ratio.status == 64)
    #expect(
      ratio.standardError.split(separator: "\n").first
        == "Error: --scale-factor must be in 0.1...0.95, got 0.99999999")
    let drawing = try AdvCLIProcess.run(
      ["detect", "/nonexistent/face.jpg", "--draw", "/nonexistent/boxes.png"])
    #expect(drawing.status == 2)
    #expect(
      drawing.standardError
        == "advcli: /nonexistent/boxes.png: cannot write there: the folder /nonexistent does not "
        + "exist\n")
    let help = try AdvCLIProcess.run(["detect", "--help"])
    #expect(help.standardOutput.contains("0.1 to 0.95"))
  }

  @Test func unreadableImageExitsWithStatus2() throws {
    let run = try AdvCLIProcess.run(["detect", "/nonexistent/face.jpg"])
    #expect(run.status == 2)
    #expect(run.standardError.hasPrefix("advcli: /nonexistent/face.jpg"))
    #expect(run.standardOutput.isEmpty)
  }

  // MARK: - Helpers

  private func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "advcli-detect-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
