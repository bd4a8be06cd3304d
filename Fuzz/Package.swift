// swift-tools-version:6.0
// Fuzz targets for FaceAdversary's parsers: one libFuzzer executable per parser, built with
// `swift build --sanitize=fuzzer --sanitize=address` (see `make fuzz` in the repository root).
// A package of its own, depending on FaceAdversary by path, so that the library's manifest stays
// free of sanitizer settings.
import Foundation
import PackageDescription

/// A path dependency's identity is its folder's name (`main` for a clone called main).
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().lastPathComponent

/// The fuzz targets: executable name, and the one source folder of each.
let targets = [
  "fuzz-png", "fuzz-jpeg", "fuzz-keras-h5", "fuzz-mtcnn-h5", "fuzz-labels-npy",
  "fuzz-labels-json", "fuzz-dlib-resnet", "fuzz-dlib-shape-predictor", "fuzz-dlib-hog",
  "fuzz-dlib-mmod",
]

let package = Package(
  name: "FaceAdversaryFuzz",
  platforms: [.macOS(.v13)],
  dependencies: [.package(path: "..")],
  targets: [
    .target(
      name: "FuzzSupport",
      dependencies: [.product(name: "FaceNets", package: repository)])
  ]
    + targets.map { name in
      .executableTarget(name: name, dependencies: ["FuzzSupport"], path: "Sources/\(name)")
    }
)
