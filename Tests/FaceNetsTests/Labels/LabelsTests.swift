import FaceTestSupport
import Foundation
import Testing

@testable import FaceNets

#if canImport(Glibc)
  import Glibc
#endif

/// Label files: keras-vggface's NumPy arrays, JSON name → index files, display names, lookup.
@Suite struct LabelsTests {
  @Test(arguments: [("slim_labels_v1.npy", 1), ("slim_labels_v2.npy", 2)])
  func readsKerasVGGFaceNumPyLabels(file: String, version: Int) throws {
    let reference = try VGGFaceFixtures.reference()
    let labels = try ClassLabels(contentsOf: VGGFaceFixtures.url(file))
    #expect(labels.names == (version == 1 ? reference.slimLabelsV1 : reference.slimLabelsV2))
  }

  @Test func displayNamesAreWrittenAsPeopleWriteThem() {
    #expect(ClassLabels.displayName(" Sharon_Stone") == "Sharon Stone")
    #expect(ClassLabels.displayName(" A._J._Buckley") == "A. J. Buckley")
    #expect(ClassLabels.displayName("A.J._Buckley") == "A.J. Buckley")
    #expect(ClassLabels.displayName(" Aaron_Taylor-Johnson") == "Aaron Taylor-Johnson")
  }

  @Test(.enabled(if: SharedData.isAvailable(for: "readsTheSeedJSONLabels")))
  func readsTheSeedJSONLabels() throws {
    let labels = try ClassLabels(contentsOf: SharedData.url("data/seed/labels.json"))
    #expect(labels.count == 8631)
    for (name, index) in try VGGFaceFixtures.reference().slimLabelsV2RealIndex {
      #expect(labels.names[index] == name)
      #expect(try labels.index(matching: ClassLabels.displayName(name)) == index)
    }
    #expect(try labels.index(matching: "sharon stone") == labels.index(matching: " Sharon_Stone"))
  }

  @Test(arguments: [
    "Sharon Stone", "sharon stone", "SHARON_STONE", "Sharon-Stone", " Sharon_Stone", "sharonstone",
  ])
  func lookupIgnoresCaseAndSeparators(query: String) throws {
    let labels = try ClassLabels(contentsOf: VGGFaceFixtures.url("slim_labels_v2.npy"))
    #expect(try labels.index(matching: query) == 6)
  }

  @Test func lookupIgnoresAccentsAndPrefersAnExactMatch() throws {
    let labels = ClassLabels(
      names: [" Beyoncé_Knowles", " Ann_Marie", " Anne_Marie", " Ann-Marie"], source: "l.json")
    #expect(try labels.index(matching: "beyonce knowles") == 0)
    #expect(try labels.index(matching: "Ann-Marie") == 3)
    #expect(
      throws: LabelsError.ambiguousName(
        "ann marie", file: "l.json", matches: ["Ann Marie", "Ann-Marie"])
    ) {
      try labels.index(matching: "ann marie")
    }
  }

  @Test func unknownNamesSuggestTheClosest() throws {
    let labels = try ClassLabels(contentsOf: VGGFaceFixtures.url("slim_labels_v2.npy"))
    let error = #expect(throws: LabelsError.self) { try labels.index(matching: "Sharon Stoen") }
    #expect(
      error?.description
        == "\(labels.source): no label matches 'Sharon Stoen'; closest: Sharon Stone, A. R. Rahman, A Fine Frenzy"
    )
  }

  // MARK: - File formats and their errors

  /// A `.npy` file: magic, version, header padded to 64 bytes, data.
  static func npy(header: String, data: [UInt8], version: UInt8 = 1) -> Data {
    var text = header
    let prefix = version == 1 ? 10 : 12
    while (prefix + text.utf8.count + 1) % 64 != 0 { text += " " }
    text += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let n = text.utf8.count
    bytes +=
      version == 1 ? [UInt8(n & 255), UInt8(n >> 8)] : [UInt8(n & 255), UInt8(n >> 8), 0, 0]
    return Data(bytes + Array(text.utf8) + data)
  }

  /// `strings` as UTF-32 code units of `width` characters each.
  static func utf32(_ strings: [String], width: Int, bigEndian: Bool) -> [UInt8] {
    strings.flatMap { s -> [UInt8] in
      let units =
        s.unicodeScalars.map(\.value)
        + [UInt32](repeating: 0, count: width - s.unicodeScalars.count)
      return units.flatMap { u in
        let le = [UInt8(u & 255), UInt8((u >> 8) & 255), UInt8((u >> 16) & 255), UInt8(u >> 24)]
        return bigEndian ? le.reversed() : le
      }
    }
  }

  @Test func readsBigEndianUnicodeBytesAndVersion2Headers() throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let names = [" Zoë_Saldaña", " Tom_Hanks"]
    let files: [(String, Data)] = [
      (
        "big.npy",
        Self.npy(
          header: "{'descr': '>U12', 'fortran_order': False, 'shape': (2,), }",
          data: Self.utf32(names, width: 12, bigEndian: true))
      ),
      (
        "v2.npy",
        Self.npy(
          header: "{'descr': '<U12', 'fortran_order': False, 'shape': (2,), }",
          data: Self.utf32(names, width: 12, bigEndian: false), version: 2)
      ),
      (
        "bytes.npy",
        Self.npy(
          header: "{'descr': '|S14', 'fortran_order': False, 'shape': (2,), }",
          data: names.flatMap { Array($0.utf8) + [UInt8](repeating: 0, count: 14 - $0.utf8.count) })
      ),
    ]
    for (name, data) in files {
      let url = folder.url.appendingPathComponent(name)
      try data.write(to: url)
      #expect(try ClassLabels(contentsOf: url).names == names, "\(name)")
    }
  }

  @Test func readsJSONNameToIndexFiles() throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent("labels.json")
    try Data(#"{" Tom_Hanks": 1, " Sharon_Stone": 2, " A_Fine_Frenzy": 0}"#.utf8).write(to: url)
    let labels = try ClassLabels(contentsOf: url)
    #expect(labels.names == [" A_Fine_Frenzy", " Tom_Hanks", " Sharon_Stone"])
    #expect(labels.displayName(at: 2) == "Sharon Stone")
  }

  @Test(arguments: [
    (
      "pickle.npy",
      LabelsTests.npy(
        header: "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", data: [0x80, 2]),
      "the array holds Python objects (dtype '|O', stored with pickle), not strings; save it with "
        + "np.save(path, np.array(names, dtype=str))"
    ),
    (
      "floats.npy",
      LabelsTests.npy(
        header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data: [0, 0, 0, 0]),
      "dtype '<f4' is not a string type ('U' or 'S') of 1 to 4096 characters"
    ),
    (
      "matrix.npy",
      LabelsTests.npy(
        header: "{'descr': '<U1', 'fortran_order': False, 'shape': (1, 1), }", data: [65, 0, 0, 0]),
      "the array has shape (1, 1), expected one dimension of 0 or more strings"
    ),
    (
      "negative.npy",
      LabelsTests.npy(
        header: "{'descr': '<U4', 'fortran_order': False, 'shape': (-5,), }", data: []),
      "the array has shape (-5,), expected one dimension of 0 or more strings"
    ),
    (
      "overflowing.npy",
      LabelsTests.npy(
        header: "{'descr': '<U4', 'fortran_order': False, 'shape': (4611686018427387904,), }",
        data: [65, 0, 0, 0]),
      "the header declares 4611686018427387904 strings of 16 bytes (more than "
        + "9223372036854775807 bytes), but 4 bytes follow it"
    ),
    (
      "wide.npy",
      LabelsTests.npy(
        header: "{'descr': '<U2305843009213693952', 'fortran_order': False, 'shape': (1,), }",
        data: [65, 0, 0, 0]),
      "dtype '<U2305843009213693952' is not a string type ('U' or 'S') of 1 to 4096 characters"
    ),
    (
      "long.npy",
      LabelsTests.npy(
        header: "{'descr': '<U1', 'fortran_order': False, 'shape': (1,), }",
        data: [65, 0, 0, 0, 66, 0, 0, 0]),
      "the header declares 1 string of 4 bytes (4 bytes), but 8 bytes follow it"
    ),
    (
      "short.npy",
      LabelsTests.npy(
        header: "{'descr': '<U4', 'fortran_order': False, 'shape': (3,), }", data: [65, 0, 0, 0]),
      "the header declares 3 strings of 16 bytes (48 bytes), but 4 bytes follow it"
    ),
    (
      "gap.json", Data(#"{"a": 0, "b": 2}"#.utf8),
      "the index of 'b' is 2; 2 names need the indices 0..<2"
    ),
    ("twice.json", Data(#"{"a": 0, "b": 0}"#.utf8), "'a' and 'b' both have index 0"),
    ("text.json", Data(#"{"a": "zero"}"#.utf8), "the index of 'a' is not a whole number: zero"),
    (
      "list.json", Data(#"["a", "b"]"#.utf8),
      "expected a JSON object mapping each name to its class index"
    ),
    ("empty.json", Data("{}".utf8), "the labels file holds no names"),
    (
      "notes.txt", Data("Sharon Stone".utf8),
      "not a labels file (expected a NumPy .npy string array or a JSON object mapping names to class indices)"
    ),
  ])
  func badLabelFilesAreRejectedVerbatim(name: String, content: Data, message: String) throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let url = folder.url.appendingPathComponent(name)
    try content.write(to: url)
    let error = #expect(throws: LabelsError.self) { try ClassLabels(contentsOf: url) }
    #expect(error?.description == "\(url.path): \(message)")
  }

  @Test func aLabelsFileThatIsNotARegularFileIsNamed() throws {
    let folder = try VGGFaceFixtures.temporaryFolder()
    defer { folder.remove() }
    let fifo = folder.url.appendingPathComponent("labels.npy")
    try #require(mkfifo(fifo.path, 0o600) == 0)
    #expect(
      throws: LabelsError.unreadable(file: fifo.path, reason: "not a regular file (it is a FIFO)")
    ) { try ClassLabels(contentsOf: fifo) }
    #expect(
      throws: LabelsError.unreadable(
        file: folder.url.path, reason: "not a regular file (it is a directory)")
    ) { try ClassLabels(contentsOf: folder.url) }
  }

  @Test func aMissingLabelsFileIsNamed() {
    let url = URL(fileURLWithPath: "/nonexistent/labels.npy")
    #expect(throws: LabelsError.unreadable(file: url.path, reason: "no such file")) {
      try ClassLabels(contentsOf: url)
    }
  }
}
