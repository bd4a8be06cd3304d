// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "FaceAdversary",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "FaceTensor", targets: ["FaceTensor"]),
    .library(name: "FaceNets", targets: ["FaceNets"]),
    .library(name: "Adversary", targets: ["Adversary"]),
    .library(name: "FacePipeline", targets: ["FacePipeline"]),
    .executable(name: "advcli", targets: ["advcli"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
  ],
  targets: [
    // MARK: - C system libraries and shims
    .systemLibrary(name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(name: "CHDF5", providers: [.apt(["libhdf5-dev"])]),
    .systemLibrary(name: "CPNG", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(
      name: "CFreeType", pkgConfig: "freetype2",
      providers: [.apt(["libfreetype-dev", "pkg-config"])]),
    .target(
      name: "CHDF5Shims", dependencies: ["CHDF5"], linkerSettings: [.linkedLibrary("hdf5_serial")]),
    .target(
      name: "CImageCodecs", dependencies: ["CPNG"],
      linkerSettings: [.linkedLibrary("png16"), .linkedLibrary("jpeg")]),

    // MARK: - Libraries
    .target(
      name: "FaceTensor", dependencies: ["COpenBLAS", "CHDF5", "CHDF5Shims", "CImageCodecs"]),
    .target(
      name: "FaceNets",
      dependencies: ["FaceTensor", .product(name: "Crypto", package: "swift-crypto")],
      exclude: ["Resources/MTCNN_WEIGHTS.md", "Resources/DLIB_HOG_DETECTOR.md"],
      resources: [
        .copy("Resources/mtcnn_weights.h5"), .copy("Resources/dlib_frontal_face_detector.svm"),
      ]),
    .target(name: "Adversary", dependencies: ["FaceTensor"]),
    .target(
      name: "FacePipeline",
      dependencies: [
        "FaceNets", "Adversary", "CFreeType", .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // MARK: - CLI
    .executableTarget(
      name: "advcli",
      dependencies: [
        "FacePipeline", .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // MARK: - Examples
    // Small programs for readers, one import each; built by `make test`, quoted by the README.
    .executableTarget(name: "toy-attack", dependencies: ["Adversary"], path: "Examples/toy-attack"),
    .executableTarget(
      name: "photo-attack", dependencies: ["FacePipeline"], path: "Examples/photo-attack"),
    .executableTarget(
      name: "detect-faces", dependencies: ["FaceNets"], path: "Examples/detect-faces"),

    // MARK: - Test support
    .target(
      name: "FaceTestSupport",
      dependencies: ["FaceTensor", "CPeakProbe", "CHDF5", "CHDF5Shims", "CHDF5Writing"]),
    .target(name: "CPeakProbe"),
    .target(
      name: "CHDF5Writing", dependencies: ["CHDF5", "CHDF5Shims"],
      linkerSettings: [.linkedLibrary("hdf5_serial")]),

    // MARK: - Tests
    .testTarget(
      name: "FaceTensorTests", dependencies: ["FaceTensor", "FaceTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "FaceNetsTests",
      dependencies: [
        "FaceNets", "FaceTestSupport", .product(name: "Crypto", package: "swift-crypto"),
      ],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "AdversaryTests", dependencies: ["Adversary", "FaceTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "FacePipelineTests",
      dependencies: ["FacePipeline", "FaceNets", "Adversary", "FaceTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "advcliTests", dependencies: ["advcli", "FacePipeline", "FaceTestSupport"],
      resources: [.copy("Fixtures")]),

    // MARK: - Benchmarks
    .executableTarget(
      name: "jpeg-bench", dependencies: ["FacePipeline", "FaceTensor", "FaceTestSupport"],
      path: "Benchmarks/jpeg-bench"),
    .executableTarget(
      name: "gemm-bench", dependencies: ["FaceTensor", "FaceTestSupport", "COpenBLAS"],
      path: "Benchmarks/gemm-bench"),
    .executableTarget(
      name: "layer-bench", dependencies: ["FaceNets", "FaceTestSupport"],
      path: "Benchmarks/layer-bench"),
    .executableTarget(
      name: "model-bench", dependencies: ["FaceNets", "FaceTestSupport"],
      path: "Benchmarks/model-bench"),
    .executableTarget(
      name: "mtcnn-bench", dependencies: ["FaceNets", "FaceTestSupport"],
      path: "Benchmarks/mtcnn-bench"),
    .executableTarget(
      name: "dlib-bench", dependencies: ["FaceNets", "FaceTestSupport"],
      path: "Benchmarks/dlib-bench"),
    .executableTarget(
      name: "hog-bench", dependencies: ["FaceNets", "FaceTensor", "FaceTestSupport"],
      path: "Benchmarks/hog-bench"),
    .executableTarget(
      name: "cnn-bench", dependencies: ["FaceNets", "FaceTensor", "FaceTestSupport"],
      path: "Benchmarks/cnn-bench"),
    .executableTarget(
      name: "attack-bench",
      dependencies: ["FacePipeline", "FaceNets", "Adversary", "FaceTensor", "FaceTestSupport"],
      path: "Benchmarks/attack-bench"),
    .executableTarget(
      name: "attack-cli-bench", dependencies: ["FaceTensor", "FaceTestSupport"],
      path: "Benchmarks/attack-cli-bench"),
  ]
)
