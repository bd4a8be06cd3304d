/// One of a classifier's top guesses for a face.
public struct ClassPrediction: Sendable, Equatable {
  /// The class index in the labels file.
  public let index: Int
  /// The class name as people write it (`Sharon Stone`).
  public let label: String
  /// The softmax output for the class, in 0...1.
  public let probability: Float

  /// A prediction of class `index`, called `label`, with `probability`.
  public init(index: Int, label: String, probability: Float) {
    self.index = index
    self.label = label
    self.probability = probability
  }
}
