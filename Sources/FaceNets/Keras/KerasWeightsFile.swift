import FaceTensor
import Foundation

/// One weight of a Keras layer as declared in a weights file: its name and shape (the values are
/// read only when a model asks for them, `KerasWeightsFile.value(of:inLayer:)`).
public struct KerasWeight: Sendable, Equatable {
  /// The name in the layer's `weight_names` attribute (`conv1/7x7_s2/bn/moving_mean:0`).
  public let name: String
  /// The layer parameter it holds, in FaceNets spelling (`kernel`, `bias`, `gamma`, `beta`,
  /// `movingMean`, `movingVariance`): the last `/` component of `name` without its `:N` suffix,
  /// snake case turned into camel case.
  public let parameter: String
  /// The shape the file declares, in the file's layout (Keras: conv kernels HWIO
  /// `[KH, KW, C, OC]`, dense kernels `[in, out]`).
  public let shape: [Int]

  /// A weight called `name` of shape `shape`.
  public init(name: String, shape: [Int]) {
    self.name = name
    self.parameter = KerasWeight.parameterName(of: name)
    self.shape = shape
  }

  /// The FaceNets parameter name a Keras weight name stands for:
  /// `conv1/7x7_s2/bn/moving_mean:0` → `movingMean`.
  public static func parameterName(of weightName: String) -> String {
    let last = weightName.split(separator: "/").last.map(String.init) ?? weightName
    let base = last.split(separator: ":", maxSplits: 1).first.map(String.init) ?? last
    let words = base.split(separator: "_")
    guard let first = words.first else { return base }
    return String(first)
      + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }

  /// The Keras weight name of parameter `parameter` of layer `layer`, as Keras 2 with TensorFlow
  /// names it: (`conv1/7x7_s2`, `movingMean`) → `conv1/7x7_s2/moving_mean:0`.
  public static func kerasName(layer: String, parameter: String) -> String {
    var snake = ""
    for character in parameter {
      if character.isUppercase {
        snake += "_" + character.lowercased()
      } else {
        snake.append(character)
      }
    }
    return "\(layer)/\(snake):0"
  }
}

/// The weights of a Keras 2 HDF5 weights file (`model.save_weights("x.h5")`, or the
/// `/model_weights` group of a `model.save` file), by layer: every weight's name and declared
/// shape are read when the file is opened, its values only when asked for, after the model has
/// checked the shape (`KerasWeightLoader`), so a damaged shape is refused before anything is
/// allocated.
///
/// The layout: the root (or `/model_weights`) has a string-array attribute `layer_names`; each
/// layer `L` is the group `/L` (a name with `/` is a nested group: `conv1/7x7_s2` is `7x7_s2`
/// inside `conv1`) with a string-array attribute `weight_names`; weight `w` is the dataset `/L/w`.
/// Fixed-length strings (Keras ≤ 2.2 through h5py 2: the published 2017–2019 VGGFace files) and
/// variable-length strings (Keras 2.15) are both read, and a weightless layer's `weight_names`
/// may be an empty float64 array (Keras 2.15).
public struct KerasWeightsFile: Sendable {
  /// The largest weights file opened: 1 GiB (keras-vggface's VGG-16, the largest, is 580 MB).
  public static let maxFileSize = 1 << 30

  /// The file read, as given.
  public let path: String
  /// Every layer name of `layer_names`, in file order (weightless layers included).
  public let layerNames: [String]
  /// The weights of each layer that has some, in `weight_names` order.
  public let weightsByLayer: [String: [KerasWeight]]
  /// The group holding the layers (`/` or `/model_weights`).
  private let root: String
  private let file: HDF5File

  /// Opens the Keras weights file at `url` and reads its layout: layer names, weight names and
  /// declared shapes (no values).
  /// - Throws: `WeightLoadingError.unreadable` (no file, not a regular file or over
  ///   `maxFileSize`, not HDF5, a listed group or dataset missing, a non-float dataset, a
  ///   declared shape of more than `HDF5File.defaultMaxElementCount` elements),
  ///   `.notKerasWeights` when no `layer_names` attribute is found.
  public init(contentsOf url: URL) throws(WeightLoadingError) {
    let file: HDF5File
    let foundRoot: String?
    do throws(HDF5Error) {
      file = try HDF5File(contentsOf: url, maxFileSize: KerasWeightsFile.maxFileSize)
      foundRoot = try file.firstGroup(among: ["/", "/model_weights"], withAttribute: "layer_names")
    } catch {
      throw .unreadable(error)
    }
    guard let root = foundRoot else { throw .notKerasWeights(file: url.path) }
    var names: [String] = []
    var weights: [String: [KerasWeight]] = [:]
    do throws(HDF5Error) {
      names = try file.stringArrayAttribute(named: "layer_names", at: root)
      for layer in names {
        let group = HDF5Path.joined(root, layer)
        var layerWeights: [KerasWeight] = []
        for name in try file.stringArrayAttribute(named: "weight_names", at: group) {
          let dataset = HDF5Path.joined(group, name)
          let shape = try file.floatDatasetShape(at: dataset)
          guard let count = Tensor.checkedElementCount(of: shape),
            count <= HDF5File.defaultMaxElementCount
          else {
            throw HDF5Error.tooManyElements(
              file: url.path, path: dataset, attribute: nil, shape: shape,
              limit: HDF5File.defaultMaxElementCount)
          }
          layerWeights.append(KerasWeight(name: name, shape: shape))
        }
        if !layerWeights.isEmpty { weights[layer] = layerWeights }
      }
    } catch {
      throw .unreadable(error)
    }
    path = url.path
    layerNames = names
    weightsByLayer = weights
    self.root = root
    self.file = file
  }

  /// The layers that have weights, in file order.
  public var layersWithWeights: [String] { layerNames.filter { weightsByLayer[$0] != nil } }

  /// The total number of weight values (Keras's `count_params()` of the model that wrote it).
  public var scalarCount: Int {
    weightsByLayer.values.reduce(0) {
      $0 + $1.reduce(0) { $0 + Tensor.elementCount(of: $1.shape) }
    }
  }

  /// Reads the values of `weight` of layer `layer`, in the file's layout and declared shape.
  /// - Throws: `WeightLoadingError.unreadable` when HDF5 cannot read it;
  ///   `.mismatch` with a `.nonFinite` problem when it holds NaN or an infinity.
  public func value(of weight: KerasWeight, inLayer layer: String) throws(WeightLoadingError)
    -> Tensor
  {
    do throws(HDF5Error) {
      return try file.tensor(
        at: HDF5Path.joined(root, layer, weight.name), expectedShape: weight.shape,
        requiringFiniteValues: true)
    } catch .nonFiniteValues(_, _, let count, let firstIndex) {
      throw .mismatch(
        file: path,
        problems: [.nonFinite(weight: weight.name, count: count, firstIndex: firstIndex)],
        hint: nil)
    } catch {
      throw .unreadable(error)
    }
  }
}
