/// What an evaluation measures: every photo x method x budget x EOT setting.
///
/// Each cell is one attack with the same model, goal and options. The grid is the identity of an evaluation's folder:
/// the shard a process runs is not part of it, so the shards of one grid share a folder.
public struct EvaluationGrid: Codable, Sendable, Equatable {
  /// A photo of the grid: its name as given (for people) and the SHA-256 of its bytes (its
  /// identity: a renamed copy is the same photo).
  public struct Photo: Codable, Sendable, Equatable {
    /// The path as given on the command line or found in a folder.
    public var name: String
    /// Lower-case hex SHA-256 of the file.
    public var sha256: String

    /// A photo from its name and digest.
    public init(name: String, sha256: String) {
      self.name = name
      self.sha256 = sha256
    }
  }

  /// The recognizer's name (`RecognizerName.rawValue`).
  public var model: String
  /// The goal as text: `dodge`, `untargeted`, `target:NAME` or `impersonate:SHA256`.
  public var goal: String
  /// Attack method names (`AttackMethod.rawValue`), in the order given.
  public var methods: [String]
  /// L-inf budgets in pixel levels of 0...255, in the order given.
  public var epsilons: [Double]
  /// EOT sample counts (0: none), in the order given.
  public var eotSamples: [Int]
  /// The JPEG quality the attacks are made to survive, or nil for PNG outputs.
  public var jpegQuality: Int?
  /// Steps per attack, or nil for each method's default.
  public var steps: Int?
  /// The seed every cell's own seed is derived from.
  public var seed: UInt64
  /// The photos, in the order given.
  public var photos: [Photo]

  /// A grid from its settings.
  public init(
    model: String, goal: String, methods: [String], epsilons: [Double], eotSamples: [Int],
    jpegQuality: Int?, steps: Int?, seed: UInt64, photos: [Photo]
  ) {
    self.model = model
    self.goal = goal
    self.methods = methods
    self.epsilons = epsilons
    self.eotSamples = eotSamples
    self.jpegQuality = jpegQuality
    self.steps = steps
    self.seed = seed
    self.photos = photos
  }

  /// Every cell, photo-major: photos, then methods, budgets and EOT settings.
  public var cells: [EvaluationCell] {
    photos.flatMap { photo in
      methods.flatMap { method in
        epsilons.flatMap { epsilon in
          eotSamples.map { eot in
            EvaluationCell(
              photoSHA256: photo.sha256, method: method, epsilon: epsilon, eotSamples: eot)
          }
        }
      }
    }
  }

  /// The first setting in which this grid (given) differs from `other` (recorded), in words
  /// (`eps: [1.0, 2.0] recorded, [4.0] given`), or nil when both are the same grid (photo names
  /// may differ: photos are compared by content).
  public func difference(from other: EvaluationGrid) -> String? {
    func describe<T>(_ name: String, _ mine: T, _ theirs: T) -> String {
      "\(name): \(theirs) recorded, \(mine) given"
    }
    if model != other.model { return describe("model", model, other.model) }
    if goal != other.goal { return describe("goal", goal, other.goal) }
    if methods != other.methods { return describe("methods", methods, other.methods) }
    if epsilons != other.epsilons { return describe("eps", epsilons, other.epsilons) }
    if eotSamples != other.eotSamples { return describe("eot", eotSamples, other.eotSamples) }
    if jpegQuality != other.jpegQuality {
      return describe(
        "jpeg quality", jpegQuality.map(String.init) ?? "none",
        other.jpegQuality.map(String.init) ?? "none")
    }
    if steps != other.steps {
      return describe(
        "steps", steps.map(String.init) ?? "default", other.steps.map(String.init) ?? "default")
    }
    if seed != other.seed { return describe("seed", seed, other.seed) }
    let mine = photos.map(\.sha256)
    let theirs = other.photos.map(\.sha256)
    if mine != theirs {
      let onlyHere = photos.filter { !theirs.contains($0.sha256) }.map(\.name)
      let onlyThere = other.photos.filter { !mine.contains($0.sha256) }.map(\.name)
      if onlyHere.isEmpty && onlyThere.isEmpty { return "photos: the same photos in another order" }
      return "photos: \(onlyThere.count) only recorded \(onlyThere.prefix(3)), "
        + "\(onlyHere.count) only given \(onlyHere.prefix(3))"
    }
    return nil
  }
}
