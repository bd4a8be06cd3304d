import FaceTensor
import Foundation

/// The names of a classifier's classes, by class index, as keras-vggface ships them
/// (`rcmalli_vggface_labels_v1.npy` / `_v2.npy`) or as a JSON object mapping each name to its
/// index (`{" A_Fine_Frenzy": 0, ...}`).
///
/// Stored names keep the file's spelling (VGGFace2's start with a space and use underscores:
/// `" Sharon_Stone"`); `displayName(at:)` gives them as people write them (`Sharon Stone`), and
/// `index(matching:)` finds a name ignoring case, accents and separators.
public struct ClassLabels: Sendable, Equatable {
  /// The largest labels file read: 64 MiB (keras-vggface's, for 8,631 classes, are near 1 MB).
  public static let maxFileSize = 64 << 20

  /// The names as stored, index `i` naming class `i`.
  public let names: [String]
  /// Where the names came from (a file path), quoted in errors.
  public let source: String
  /// The matching key of each name (see `ClassLabels.matchingKey(_:)`).
  private let keys: [String]

  /// Labels with the given names (index `i` naming class `i`), read from `source`.
  public init(names: [String], source: String) {
    self.names = names
    self.source = source
    keys = names.map(ClassLabels.matchingKey)
  }

  /// The labels in the file at `url`: a NumPy `.npy` string array (recognised by its magic
  /// bytes), or else a JSON object mapping each name to its class index `0..<N`.
  /// - Throws: `LabelsError` naming the file and the problem.
  public init(contentsOf url: URL) throws(LabelsError) {
    let data: Data
    do throws(InputFileError) {
      data = try InputFile.mappedContents(
        of: url, maxSize: ClassLabels.maxFileSize, what: "labels file")
    } catch {
      throw .unreadable(file: url.path, reason: error.reason)
    }
    let names: [String]
    if NumPyStringArray.isNumPy(data) {
      names = try NumPyStringArray.strings(in: data, file: url.path)
    } else {
      names = try ClassLabels.namesFromJSON(data, file: url.path)
    }
    guard !names.isEmpty else { throw .empty(file: url.path) }
    self.init(names: names, source: url.path)
  }

  /// The number of classes.
  public var count: Int { names.count }

  /// The name of class `index` as people write it: `" Sharon_Stone"` → `Sharon Stone`.
  /// - Precondition: `0 <= index < count`.
  public func displayName(at index: Int) -> String { ClassLabels.displayName(names[index]) }

  /// A stored name as people write it: underscores become spaces, runs of spaces collapse, and
  /// leading and trailing spaces go (`" A._J._Buckley"` → `A. J. Buckley`).
  public static func displayName(_ name: String) -> String {
    name.replacingOccurrences(of: "_", with: " ").split(whereSeparator: \.isWhitespace).joined(
      separator: " ")
  }

  /// The class index of the label matching `query`.
  ///
  /// Names are compared without case, accents, spaces, underscores or punctuation (`sharon stone`, `Sharon_Stone` and `SHARON-STONE` all find
  /// `" Sharon_Stone"`). When several labels match, an exact display-name match wins.
  /// - Throws: `LabelsError.unknownName` with the closest few names, or `.ambiguousName`.
  public func index(matching query: String) throws(LabelsError) -> Int {
    let key = ClassLabels.matchingKey(query)
    let matches = keys.indices.filter { keys[$0] == key && !key.isEmpty }
    if matches.count == 1 { return matches[0] }
    if matches.isEmpty {
      throw .unknownName(query, file: source, suggestions: suggestions(for: query))
    }
    let trimmed = ClassLabels.displayName(query)
    let exact = matches.filter { displayName(at: $0) == trimmed }
    if exact.count == 1 { return exact[0] }
    throw .ambiguousName(query, file: source, matches: matches.map { displayName(at: $0) })
  }

  /// The display names of the `limit` labels closest to `query` (edit distance between matching
  /// keys; ties in class order).
  public func suggestions(for query: String, limit: Int = 3) -> [String] {
    let key = Array(ClassLabels.matchingKey(query).unicodeScalars)
    let ranked = keys.indices.map {
      (distance: LabelDistance.edits(key, Array(keys[$0].unicodeScalars)), index: $0)
    }
    .sorted { ($0.distance, $0.index) < ($1.distance, $1.index) }
    return ranked.prefix(limit).map { displayName(at: $0.index) }
  }

  /// The form names are compared in: case and diacritics folded, only letters and digits kept.
  public static func matchingKey(_ name: String) -> String {
    let folded = name.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    return String(
      String.UnicodeScalarView(
        folded.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }))
  }

  // MARK: - JSON

  /// The names of a JSON object `{name: index}` in index order.
  private static func namesFromJSON(_ data: Data, file: String) throws(LabelsError) -> [String] {
    let object: Any
    do {
      object = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw .unrecognizedFormat(file: file)
    }
    guard let mapping = object as? [String: Any] else {
      throw .invalidJSON(
        file: file, reason: "expected a JSON object mapping each name to its class index")
    }
    var names = [String?](repeating: nil, count: mapping.count)
    for (name, value) in mapping.sorted(by: { $0.key < $1.key }) {
      guard let number = value as? NSNumber, let index = Int(exactly: number.doubleValue)
      else {
        throw .invalidJSON(
          file: file, reason: "the index of '\(name)' is not a whole number: \(value)")
      }
      guard index >= 0 && index < mapping.count else {
        throw .invalidJSON(
          file: file,
          reason:
            "the index of '\(name)' is \(index); \(mapping.count) names need the indices 0..<\(mapping.count)"
        )
      }
      if let other = names[index] {
        throw .invalidJSON(file: file, reason: "'\(other)' and '\(name)' both have index \(index)")
      }
      names[index] = name
    }
    return names.compactMap { $0 }
  }

}

/// Edit distance for name suggestions.
enum LabelDistance {
  /// The Levenshtein distance between two scalar sequences (insertions, deletions, substitutions).
  static func edits(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
