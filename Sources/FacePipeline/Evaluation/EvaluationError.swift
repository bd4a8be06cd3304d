/// Why an evaluation's folder cannot be used.
///
/// This is FacePipeline's error for the records of an evaluation (the attacks of its cells throw `PipelineError`). `description` is one line naming
/// the file.
public enum EvaluationError: Error, Equatable, CustomStringConvertible {
  /// The folder holds another grid's records; `difference` names the first setting that differs.
  case gridMismatch(folder: String, difference: String)
  /// A line before the last of a cell file is not a cell record (a truncated last line is not an
  /// error: it is dropped and its cell redone).
  case damagedRecord(file: String, line: Int, reason: String)
  /// Two cell files hold the same cell with different results.
  case conflictingCells(cell: String, file: String, otherFile: String)
  /// A file or folder of the evaluation cannot be read or written; `reason` says why.
  case fileSystem(path: String, reason: String)

  /// One line naming the file or folder and the problem.
  public var description: String {
    switch self {
    case .gridMismatch(let folder, let difference):
      return "\(folder): holds the records of another grid (\(difference)); use another folder"
    case .damagedRecord(let file, let line, let reason):
      return "\(file): line \(line) is not a cell record: \(reason)"
    case .conflictingCells(let cell, let file, let otherFile):
      return "\(file): cell \(cell) has a different result in \(otherFile)"
    case .fileSystem(let path, let reason):
      return "\(path): \(reason)"
    }
  }
}
