import FaceTensor
import Foundation

/// Reads P-Net, R-Net and O-Net weights from an HDF5 file in the layout of FaceNets'
/// `Resources/mtcnn_weights.h5` (see `MTCNN_WEIGHTS.md` next to it): one group per network
/// (`/pnet`, `/rnet`, `/onet`), each laid out like a Keras-2 `save_weights` file — attribute
/// `layer_names`, one group per layer with attribute `weight_names`, float datasets such as
/// `/pnet/conv1/conv1/kernel:0` in the Keras shapes (kernels `[KH, KW, C, OC]`, dense `[in, out]`,
/// convolutional PReLU alphas `[1, 1, C]`).
///
/// Loading is strict both ways: a layer or weight the networks do not have, and one they have but
/// the file lacks, are errors, as is any shape difference.
///
/// Every dataset's declared shape is compared with the layer's before its values are read, and
/// values that are NaN or infinite are refused with the dataset named.
enum MTCNNWeights {
  /// The weights file shipped as a resource of FaceNets, with its SHA-256 (as recorded in
  /// `MTCNN_WEIGHTS.md`).
  static let bundled = BundledResource(
    fileName: "mtcnn_weights.h5",
    sha256: "e61bfdaad51f2ecfb3614bfc822cabc737d8c2b9ed7705e65f9dd0b40664bc9e")

  /// The largest weights file read (the bundled one has 2 MB).
  static let maxFileSize = 64 << 20

  /// The weights file shipped as a resource of FaceNets, after checking its SHA-256.
  /// - Throws: `MTCNNError.bundledWeightsMissing`, `.damagedBundledWeights`.
  static func bundledFileURL() throws(MTCNNError) -> URL {
    do throws(BundledResourceError) {
      return try bundled.verifiedContents().url
    } catch .missing {
      throw .bundledWeightsMissing
    } catch {
      throw .damagedBundledWeights(error)
    }
  }

  /// The three networks with the weights of the file at `url`.
  /// - Throws: `MTCNNError` naming the file and the place in it.
  static func load(from url: URL) throws(MTCNNError) -> (
    pnet: Network, rnet: Network, onet: Network
  ) {
    let file: HDF5File
    do {
      file = try HDF5File(contentsOf: url, maxFileSize: maxFileSize)
    } catch {
      throw .unreadableWeights(error)
    }
    return (
      try network(.pnet, from: file), try network(.rnet, from: file), try network(.onet, from: file)
    )
  }

  /// The network `kind` with the weights of its group in `file`.
  static func network(_ kind: MTCNNNetworks.Kind, from file: HDF5File) throws(MTCNNError)
    -> Network
  {
    var network = MTCNNNetworks.network(kind)
    let fileName = file.url.path
    let group = HDF5Path.joined(kind.rawValue)
    // The parameters still to be filled, per layer, in layer order.
    var layerOrder: [String] = []
    var unfilled: [String: Set<String>] = [:]
    var expectedShapes: [String: [String: [Int]]] = [:]
    for parameter in network.parameterList {
      if unfilled[parameter.layer] == nil { layerOrder.append(parameter.layer) }
      unfilled[parameter.layer, default: []].insert(parameter.name)
      expectedShapes[parameter.layer, default: [:]][parameter.name] = parameter.shape
    }
    for layer in try reading({ () throws(HDF5Error) in
      try file.stringArrayAttribute(named: "layer_names", at: group)
    }) {
      guard let parameters = unfilled.removeValue(forKey: layer) else {
        throw .unexpectedLayer(file: fileName, network: kind.rawValue, layer: layer)
      }
      let layerPath = HDF5Path.joined(group, layer)
      var missing = parameters
      for weightName in try reading({ () throws(HDF5Error) in
        try file.stringArrayAttribute(named: "weight_names", at: layerPath)
      }) {
        let path = HDF5Path.joined(layerPath, weightName)
        let parameter = parameterName(ofWeight: weightName)
        guard missing.remove(parameter) != nil, let expected = expectedShapes[layer]?[parameter]
        else {
          throw .unexpectedWeight(file: fileName, path: path)
        }
        let value: Tensor
        do throws(HDF5Error) {
          value = try file.tensor(at: path, expectedShape: expected, requiringFiniteValues: true)
        } catch .unexpectedShape(_, _, let expected, let actual) {
          throw .shapeMismatch(file: fileName, path: path, expected: expected, actual: actual)
        } catch .nonFiniteValues(_, _, let count, let firstIndex) {
          throw .nonFiniteWeight(file: fileName, path: path, count: count, firstIndex: firstIndex)
        } catch {
          throw .unreadableWeights(error)
        }
        do {
          try network.setParameter(layer: layer, name: parameter, to: value)
        } catch LayerParameterError.shapeMismatch(_, let expected, let actual) {
          throw .shapeMismatch(file: fileName, path: path, expected: expected, actual: actual)
        } catch {
          throw .unexpectedWeight(file: fileName, path: path)
        }
      }
      if let parameter = missing.sorted().first {
        throw .missingWeight(
          file: fileName, network: kind.rawValue, layer: layer, parameter: parameter)
      }
    }
    if let layer = layerOrder.first(where: { unfilled[$0] != nil }) {
      throw .missingLayer(file: fileName, network: kind.rawValue, layer: layer)
    }
    return network
  }

  /// `kernel` for the Keras weight name `conv1/kernel:0`: the last path component without the
  /// `:0` suffix.
  static func parameterName(ofWeight weightName: String) -> String {
    let last = weightName.split(separator: "/").last.map(String.init) ?? weightName
    return last.split(separator: ":").first.map(String.init) ?? last
  }

  private static func reading<T>(_ body: () throws(HDF5Error) -> T) throws(MTCNNError) -> T {
    do {
      return try body()
    } catch {
      throw .unreadableWeights(error)
    }
  }
}
