// attack-cli-bench: the whole `advcli attack` process, from start to written PNG, on
// two_people.jpg resized to 800x600: wall time and peak resident memory of the child process,
// for dlib dodging (defaults: PGD, 8/255, 50 steps), the same with --eot 8, and keras-vggface
// ResNet-50 untargeted with random full-size weights (50 steps, no early stop); and hiding the
// larger face of two_people.jpg at 1224x816 (1 megapixel) from MTCNN, from dlib-cnn and from both
// (defaults: PGD, 8/255, 50 steps; one run each, these take minutes).
//
// Needs the shared photos (FACEADVERSARY_SHARED, default ../shared), the dlib model files
// (`make setup`) and advcli built next to this executable (`make bench` builds both).
// Run with `make bench` (which also runs it with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
// for that command alone); the child processes inherit the environment as it is.

import FaceTensor
import FaceTestSupport
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a finished child process used.
struct ChildUsage {
  let status: Int32
  let wallSeconds: Double
  let peakResidentMiB: Double
}

/// Runs `executable` with `arguments`, its output discarded, and returns its exit status, wall
/// time and peak resident memory (`wait4`'s `ru_maxrss`, this child alone).
func runMeasured(_ executable: String, _ arguments: [String]) -> ChildUsage? {
  let argv = ([executable] + arguments).map { strdup($0) } + [nil]
  defer { argv.forEach { free($0) } }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var pid: pid_t = 0
  let start = BenchmarkClock.wallSeconds()
  guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else { return nil }
  var status: Int32 = 0
  var usage = rusage()
  guard wait4(pid, &status, 0, &usage) == pid else { return nil }
  let seconds = BenchmarkClock.wallSeconds() - start
  let exitStatus = (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
  return ChildUsage(
    status: exitStatus, wallSeconds: seconds, peakResidentMiB: Double(usage.ru_maxrss) / 1024)
}

/// One configuration of the attack: its arguments after the photo, the photo, and how many runs
/// are timed.
struct Configuration {
  let name: String
  let arguments: [String]
  var photo: URL? = nil
  var runs = 3
}

/// `attack-cli-bench --write-random-weights PATH`: the child that writes the weights file.
let writeWeightsFlag = "--write-random-weights"
if CommandLine.arguments.count == 3, CommandLine.arguments[1] == writeWeightsFlag {
  let manifest = try KerasManifest.load(
    from: SharedData.url("fixtures/vggface2-resnet50-h5-manifest.json"))
  try manifest.writeRandomWeights(
    to: URL(fileURLWithPath: CommandLine.arguments[2]), seed: 7, stringType: .fixedLengthASCII)
  exit(0)
}

let executableFolder = Bundle.main.executableURL?.deletingLastPathComponent()
guard let advcli = executableFolder?.appendingPathComponent("advcli").path,
  FileManager.default.isExecutableFile(atPath: advcli)
else {
  print("attack-cli-bench: advcli is not built next to this benchmark; run `make bench`")
  exit(1)
}
guard SharedData.exists else {
  print(
    "attack-cli-bench: the shared folder \(SharedData.root.path) is missing; set FACEADVERSARY_SHARED"
  )
  exit(1)
}

BenchmarkReport.printHeader("attack-cli-bench")
let work = FileManager.default.temporaryDirectory.appendingPathComponent(
  "attack-cli-bench-\(getpid())", isDirectory: true)
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

let photo = work.appendingPathComponent("two_people_800x600.png")
try RGBImage(contentsOf: SharedData.url("data/faces/two_people.jpg"))
  .resized(width: 800, height: 600, method: .area).writePNG(to: photo)

// ResNet-50 with random full-size weights in the published file layout, and 8631 labels. The
// weights are written by a child process: Linux carries a process's peak memory across `exec`
// into its `ru_maxrss`, so this process must stay small for the children's peaks to be theirs.
let weights = work.appendingPathComponent("random_resnet50.h5")
guard let selfPath = Bundle.main.executableURL?.path,
  runMeasured(selfPath, [writeWeightsFlag, weights.path])?.status == 0
else {
  print("attack-cli-bench: could not write random ResNet-50 weights to \(weights.path)")
  exit(1)
}
let labels = work.appendingPathComponent("labels.json")
let names = Dictionary(uniqueKeysWithValues: (0..<8631).map { ("identity_\($0)", $0) })
try JSONSerialization.data(withJSONObject: names).write(to: labels)

let megapixelPhoto = work.appendingPathComponent("two_people_1224x816.png")
try RGBImage(contentsOf: SharedData.url("data/faces/two_people.jpg"))
  .resized(width: 1224, height: 816, method: .bilinear).writePNG(to: megapixelPhoto)

let output = work.appendingPathComponent("out.png").path
let configurations = [
  Configuration(
    name: "dlib dodging, PGD 8/255, 50 steps", arguments: ["--model", "dlib-resnet", "--dodge"]),
  Configuration(
    name: "dlib dodging, --eot 8", arguments: ["--model", "dlib-resnet", "--dodge", "--eot", "8"]),
  Configuration(
    name: "ResNet-50 (random weights), 50 steps",
    arguments: [
      "--model", "vggface2-resnet50", "--weights", weights.path, "--labels", labels.path,
      "--no-early-stop",
    ]),
  Configuration(
    name: "1 MP, hide from mtcnn", arguments: ["--hide", "--detector", "mtcnn"],
    photo: megapixelPhoto, runs: 1),
  Configuration(
    name: "1 MP, hide from dlib-cnn", arguments: ["--hide", "--detector", "dlib-cnn"],
    photo: megapixelPhoto, runs: 1),
  Configuration(
    name: "1 MP, hide from mtcnn,dlib-cnn", arguments: ["--hide", "--detector", "mtcnn,dlib-cnn"],
    photo: megapixelPhoto, runs: 1),
]

print("photo: two_people.jpg resized to 800x600 (INTER_AREA); times are the whole process")
print("(start, weight loading, detection, attack, PNG written, re-check); median of 3 runs,")
print("the hide attacks on two_people.jpg at 1224x816 one run each")
print(
  "\n" + "configuration".padding(toLength: 40, withPad: " ", startingAt: 0)
    + "  exit   median s   min s   peak MiB")
for configuration in configurations {
  var runs: [ChildUsage] = []
  let input = (configuration.photo ?? photo).path
  for _ in 0..<configuration.runs {
    try? FileManager.default.removeItem(atPath: output)
    guard
      let usage = runMeasured(
        advcli, ["attack", input, "-o", output, "--quiet", "--force"] + configuration.arguments)
    else {
      print("\(configuration.name): could not start \(advcli)")
      exit(1)
    }
    runs.append(usage)
  }
  if let failed = runs.first(where: { $0.status != 0 && $0.status != 1 }) {
    let command = ([advcli, "attack", input, "-o", output] + configuration.arguments)
      .joined(separator: " ")
    print("\(configuration.name): advcli exited with \(failed.status); to see why, run: \(command)")
    continue
  }
  let timing = Timing(samples: runs.map(\.wallSeconds))
  let statuses = Set(runs.map(\.status)).sorted().map(String.init).joined(separator: ",")
  print(
    configuration.name.padding(toLength: 40, withPad: " ", startingAt: 0)
      + String(
        format: "  %4@ %10.2f %7.2f %10.0f", statuses, timing.median, timing.minimum,
        runs.map(\.peakResidentMiB).max() ?? 0))
}
print(
  "\nexit 0: success re-checked on the saved file; 1: the attack did not succeed (still timed)."
    + "\ntargets (AVX-512 kernels): dlib dodging < 1.5 s, with --eot 8 < 3 s; ResNet-50 <= 50 x 0.6"
    + " x PyTorch's 84.0 ms PGD step = 2.52 s, plus detection and weight loading"
    + " (../shared/docs/peer-figures.md)")
