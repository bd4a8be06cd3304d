/// A batch of images could not be planned.
enum BatchError: Error, Equatable, CustomStringConvertible {
  /// `--shard` is not `K/N` with `1 <= K <= N`.
  case invalidShard(String)
  /// An input path does not exist.
  case inputNotFound(path: String)
  /// A directory holds no image files.
  case emptyDirectory(path: String)
  /// One output file was given for several images.
  case outputNeedsSingleInput(path: String, inputCount: Int)
  /// The output path names the input itself.
  case outputIsInput(path: String)
  /// Two inputs would be written to the same output file.
  case duplicateOutput(path: String, inputs: [String])

  var description: String {
    switch self {
    case .invalidShard(let text):
      return "--shard must be K/N with 1 <= K <= N, got '\(text)'"
    case .inputNotFound(let path):
      return "\(path): no such file or directory"
    case .emptyDirectory(let path):
      return "\(path): the directory holds no .png, .jpg or .jpeg files"
    case .outputNeedsSingleInput(let path, let count):
      return "\(path): one output file for \(count) images; use --out-dir for several"
    case .outputIsInput(let path):
      return "\(path): the output would overwrite the input"
    case .duplicateOutput(let path, let inputs):
      return "\(path): \(inputs.joined(separator: " and ")) would both be written there"
    }
  }
}
