import FaceTensor

/// Hands a model builder the weights of a `KerasWeightsFile` by (layer, parameter) name, checking
/// each against the shape the model needs, and at the end reports every weight that was missing,
/// of the wrong shape, or never asked for (loaders are strict both ways).
///
/// A builder reads the widths the file decides (`shape(of:inLayer:)` on 1-D weights such as a
/// batch norm's `gamma`), then `take`s every parameter with its expected shape, then calls
/// `finish()`. Values are read from the file only by `take`, after the declared shape has been
/// compared with the expected one, so a damaged shape never causes an allocation. A missing,
/// mis-shaped or non-finite weight is recorded and replaced by zeros of the expected shape, so
/// the builder can go on and the error lists all problems at once; `finish()` throws if there are
/// any (or the first read failure).
public struct KerasWeightLoader: Sendable {
  /// The file the weights come from, as quoted in errors.
  public let path: String
  /// The file's layers that have weights, in file order.
  public let layersWithWeights: [String]
  private let file: KerasWeightsFile
  private var remaining: [String: [KerasWeight]]
  private var problems: [WeightProblem] = []
  /// The first weight HDF5 could not read.
  private var readFailure: WeightLoadingError?

  /// A loader over every weight of `file`.
  public init(_ file: KerasWeightsFile) {
    path = file.path
    layersWithWeights = file.layersWithWeights
    remaining = file.weightsByLayer
    self.file = file
  }

  /// Whether the file has a layer `layer` with at least one weight not yet taken.
  public func containsLayer(_ layer: String) -> Bool { remaining[layer] != nil }

  /// The shape of parameter `parameter` (FaceNets spelling) of layer `layer`, or nil if the file
  /// has no such weight (or it was taken already).
  public func shape(of parameter: String, inLayer layer: String) -> [Int]? {
    remaining[layer]?.first { $0.parameter == parameter }?.shape
  }

  /// Takes the weight for parameter `parameter` of layer `layer`, needed with shape `shape`.
  ///
  /// The values are read only when the declared shape is `shape`. A missing, mis-shaped or
  /// non-finite weight is recorded as a problem, a read failure is kept for `finish()`, and zeros
  /// of `shape` are returned instead.
  /// - Precondition: `shape` has no negative extent.
  public mutating func take(_ parameter: String, ofLayer layer: String, shape: [Int]) -> Tensor {
    guard var weights = remaining[layer],
      let i = weights.firstIndex(where: { $0.parameter == parameter })
    else {
      problems.append(
        .missing(weight: KerasWeight.kerasName(layer: layer, parameter: parameter), expected: shape)
      )
      return Tensor(zeros: shape)
    }
    let weight = weights.remove(at: i)
    remaining[layer] = weights.isEmpty ? nil : weights
    guard weight.shape == shape else {
      problems.append(.misshaped(weight: weight.name, shape: weight.shape, expected: shape))
      return Tensor(zeros: shape)
    }
    do throws(WeightLoadingError) {
      return try file.value(of: weight, inLayer: layer)
    } catch .mismatch(_, let found, _) {
      problems += found
    } catch {
      if readFailure == nil { readFailure = error }
    }
    return Tensor(zeros: shape)
  }

  /// The problems found so far plus every weight never taken (as unexpected, in file order).
  public var allProblems: [WeightProblem] {
    problems
      + layersWithWeights.flatMap { layer in
        (remaining[layer] ?? []).map {
          WeightProblem.unexpected(weight: $0.name, shape: $0.shape)
        }
      }
  }

  /// Checks that every weight was found with its shape and every weight of the file was used.
  /// - Parameter hint: added to the error's message (e.g. which architecture the file looks like).
  /// - Throws: `WeightLoadingError.unreadable` for the first weight HDF5 could not read, else
  ///   `.mismatch` listing every problem.
  public func finish(hint: String? = nil) throws(WeightLoadingError) {
    if let readFailure { throw readFailure }
    let all = allProblems
    guard all.isEmpty else { throw .mismatch(file: path, problems: all, hint: hint) }
  }
}
