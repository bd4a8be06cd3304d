import ArgumentParser
import FaceNets

/// `--mtcnn-stages`: MTCNN cascade stages, comma-separated (`pnet,rnet,onet`), each at most once.
struct MTCNNStagesArgument: ExpressibleByArgument {
  let value: Set<MTCNNFaceScores.Stage>

  init?(argument: String) {
    let names = argument.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let stages = names.compactMap(MTCNNFaceScores.Stage.init(rawValue:))
    guard !names.isEmpty, stages.count == names.count, Set(stages).count == stages.count else {
      return nil
    }
    value = Set(stages)
  }
}
