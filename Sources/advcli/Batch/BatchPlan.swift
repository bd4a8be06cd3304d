import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which images a batch attack processes and where each result goes.
///
/// Inputs are image files and directories (a directory contributes its `.png`, `.jpg` and `.jpeg`
/// files, sorted by name, not recursing, and not the `*.adv.*` results of an earlier run). With one input and an explicit output path, that path is
/// the output; otherwise outputs go to an output folder as `STEM.adv.png` (`.adv.jpg` when the
/// attack targets JPEG). Only the images of `shard` are kept; an image whose output already exists
/// as a regular file is skipped unless `force`.
struct BatchPlan: Sendable, Equatable {
  /// One image to attack.
  struct Item: Sendable, Equatable {
    /// The input as named (a file argument as typed, a directory entry as `DIR/NAME`).
    public let input: String
    /// Where the adversarial photo is written.
    public let output: URL
  }

  /// The images to attack, in input order.
  let items: [Item]
  /// Images of this shard whose output already exists (not attacked without `force`).
  let skipped: [Item]

  /// The image file extensions a directory is searched for.
  static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

  /// The image files `inputs` name: each file as given, each directory's images (`.png`, `.jpg`,
  /// `.jpeg`, not `*.adv.*` outputs) sorted by name as `DIR/NAME`.
  /// - Throws: `BatchError.inputNotFound`, `.emptyDirectory`.
  static func imageFiles(of inputs: [String]) throws -> [String] {
    var files: [String] = []
    for input in inputs {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory) else {
        throw BatchError.inputNotFound(path: input)
      }
      if isDirectory.boolValue {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: input)) ?? []
        let images = names.filter { name in
          let stem = (name as NSString).deletingPathExtension
          return BatchPlan.imageExtensions.contains((name as NSString).pathExtension.lowercased())
            && !stem.hasSuffix(".adv")
        }.sorted()
        guard !images.isEmpty else { throw BatchError.emptyDirectory(path: input) }
        files += images.map { (input as NSString).appendingPathComponent($0) }
      } else {
        files.append(input)
      }
    }
    return files
  }

  /// Plans a batch.
  ///
  /// - Parameters:
  ///   - inputs: files and directories, as given.
  ///   - output: the output file, allowed only with a single input file.
  ///   - outputDirectory: where `STEM.adv.EXT` files go (default: next to each input).
  ///   - jpegQuality: the JPEG quality the attack targets, if any (selects `.adv.jpg`).
  /// - Throws: `BatchError` for a missing input, an empty directory, an output file with several
  ///   inputs, an output that is an input, or two inputs with the same output.
  init(
    inputs: [String], output: URL?, outputDirectory: URL?, jpegQuality: Int?, shard: Shard,
    force: Bool
  ) throws {
    let files = try BatchPlan.imageFiles(of: inputs)
    if let output, files.count != 1 {
      throw BatchError.outputNeedsSingleInput(path: output.path, inputCount: files.count)
    }
    let suffix = jpegQuality == nil ? "adv.png" : "adv.jpg"
    var planned: [Item] = []
    var byOutput: [String: String] = [:]
    let inputPaths = Set(files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
    for file in files where shard.contains(file) {
      let target: URL
      if let output {
        target = output
      } else {
        let stem = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let folder =
          outputDirectory ?? URL(fileURLWithPath: file).deletingLastPathComponent()
        target = folder.appendingPathComponent("\(stem).\(suffix)")
      }
      let targetPath = target.standardizedFileURL.path
      guard !inputPaths.contains(targetPath) else {
        throw BatchError.outputIsInput(path: target.path)
      }
      if let other = byOutput[targetPath] {
        throw BatchError.duplicateOutput(path: target.path, inputs: [other, file])
      }
      byOutput[targetPath] = file
      planned.append(Item(input: file, output: target))
    }
    if force {
      items = planned
      skipped = []
    } else {
      // Only a regular file is a finished output: a folder or a device at an output path is
      // planned, and refused by the destination check.
      let exists = { (item: Item) in
        var status = stat()
        return stat(item.output.path, &status) == 0 && status.st_mode & S_IFMT == S_IFREG
      }
      items = planned.filter { !exists($0) }
      skipped = planned.filter(exists)
    }
  }
}
