import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A cell file: one JSON `CellRecord` per line, appended as cells finish, each line flushed and
/// fsynced before the next cell starts, so a killed run loses at most the cell in progress.
public enum CellLog {
  /// What a cell file holds.
  public struct Contents: Sendable, Equatable {
    /// The complete records, in file order.
    public var records: [CellRecord]
    /// Bytes up to the end of the last complete line: a truncated last line (a run killed while
    /// writing) lies beyond, and is cut off before the next append.
    public var completeBytes: Int
  }

  /// The records of the cell file at `url`; a missing file holds none.
  /// - Throws: `EvaluationError.damagedRecord` for a complete line that is not a record,
  ///   `.fileSystem` when the file cannot be read. A last line without its newline is not an
  ///   error: it is left out (its cell runs again).
  public static func read(_ url: URL) throws(EvaluationError) -> Contents {
    guard FileManager.default.fileExists(atPath: url.path) else {
      return Contents(records: [], completeBytes: 0)
    }
    let bytes: [UInt8]
    do {
      bytes = [UInt8](try Data(contentsOf: url))
    } catch {
      throw .fileSystem(path: url.path, reason: "cannot be read")
    }
    var records: [CellRecord] = []
    var lineStart = 0
    var lineNumber = 0
    let decoder = JSONDecoder()
    while let newline = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) {
      lineNumber += 1
      let line = bytes[lineStart..<newline]
      lineStart = newline + 1
      guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) else {
        continue
      }
      do {
        records.append(try decoder.decode(CellRecord.self, from: Data(line)))
      } catch {
        throw .damagedRecord(file: url.path, line: lineNumber, reason: describe(error))
      }
    }
    return Contents(records: records, completeBytes: lineStart)
  }

  /// A short reason for a decoding failure.
  private static func describe(_ error: any Error) -> String {
    switch error as? DecodingError {
    case .keyNotFound(let key, _): return "no \"\(key.stringValue)\""
    case .typeMismatch(_, let context), .valueNotFound(_, let context):
      return
        "\"\(context.codingPath.map(\.stringValue).joined(separator: "."))\" has the wrong type"
    case .dataCorrupted: return "not JSON"
    default: return "not a cell record"
    }
  }

  /// Appends records to one cell file.
  public final class Writer {
    private let descriptor: Int32
    private let path: String
    private let encoder: JSONEncoder = {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
      return encoder
    }()

    /// Opens (creating) the cell file at `url` for appending, first cutting it to
    /// `completeBytes` (from `read`) so that a truncated last line is dropped.
    /// - Throws: `EvaluationError.fileSystem` when the file cannot be opened or cut.
    public init(url: URL, completeBytes: Int) throws(EvaluationError) {
      path = url.path
      descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
      }
      guard ftruncate(descriptor, off_t(completeBytes)) == 0 else {
        let reason = String(cString: strerror(errno))
        close(descriptor)
        throw .fileSystem(path: path, reason: reason)
      }
    }

    deinit { close(descriptor) }

    /// Writes `record` as one line and waits until it is on disk.
    /// - Throws: `EvaluationError.fileSystem` when the write or the fsync fails.
    public func append(_ record: CellRecord) throws(EvaluationError) {
      var line: [UInt8]
      do {
        line = [UInt8](try encoder.encode(record))
      } catch {
        throw .fileSystem(path: path, reason: "cannot encode the record of \(record.cell)")
      }
      line.append(UInt8(ascii: "\n"))
      var written = 0
      while written < line.count {
        let count = line[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else {
          throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
        }
        written += count
      }
      guard fsync(descriptor) == 0 else {
        throw .fileSystem(path: path, reason: String(cString: strerror(errno)))
      }
    }
  }
}
