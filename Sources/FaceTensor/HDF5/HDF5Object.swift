/// The three kinds of object an HDF5 path can lead to.
public enum HDF5ObjectKind: String, Sendable, Equatable, CustomStringConvertible {
  /// A container of named links to other objects (a folder).
  case group
  /// An n-dimensional array of elements of one datatype.
  case dataset
  /// A datatype stored under a name (not used by the weight files FaceAdversary reads).
  case namedDatatype = "named datatype"

  /// The kind in words, as quoted in error messages.
  public var description: String { rawValue }
}

/// One entry of a group: the link name (never containing `/`) and the kind of object it leads to.
public struct HDF5Member: Sendable, Equatable {
  /// The link name inside its group.
  public let name: String
  /// What the link leads to.
  public let kind: HDF5ObjectKind

  /// Creates a member description.
  public init(name: String, kind: HDF5ObjectKind) {
    self.name = name
    self.kind = kind
  }
}

/// Object paths inside an HDF5 file.
///
/// Paths are `/`-separated and nest: a Keras layer called `conv1/7x7_s2` is the group `7x7_s2`
/// inside the group `conv1`.
public enum HDF5Path {
  /// The absolute path reached by following each component in turn.
  ///
  /// For example `joined("/model_weights", "conv1/7x7_s2")` is `/model_weights/conv1/7x7_s2`.
  /// Empty components (leading, trailing or doubled `/`) are dropped; no components give `/`.
  public static func joined(_ components: String...) -> String {
    "/" + components.flatMap(names(in:)).joined(separator: "/")
  }

  /// The link names along `path`, outermost first; `/` (the root) has none.
  static func names(in path: String) -> [String] {
    path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
  }
}
