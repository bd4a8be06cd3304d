// photo-attack PHOTO OUTPUT.png: make the face in PHOTO unrecognisable to dlib's face recognizer
// (a dodging attack), in one library call, and save the adversarial photo and a report picture.
//
// FacePipeline re-exports Adversary and FaceNets (and through them FaceTensor): one import serves.
// Needs the dlib model files that `make setup` installs.
//
// Run: swift run -c release photo-attack Examples/photos/obama.jpg obama.adv.png

import FacePipeline
import Foundation

guard CommandLine.arguments.count == 3 else {
  FileHandle.standardError.write(Data("usage: photo-attack PHOTO OUTPUT.png\n".utf8))
  exit(64)
}
let photo = URL(fileURLWithPath: CommandLine.arguments[1])
let output = URL(fileURLWithPath: CommandLine.arguments[2])
let report = output.deletingPathExtension().appendingPathExtension("report.png")

do {
  // Find the largest face, attack dlib's descriptor through the photo's own pixels (PGD, L∞ ε of
  // 8 levels, EOT over 8 small warps of the face's alignment), write the whole photo, then detect,
  // align and recognise the saved file again from scratch.
  let attacker = try PhotoAttacker(recognizer: try .loadDlib(directory: ModelDirectory()))
  let outcome = try attacker.attack(
    photoAt: photo, goal: .dodge, options: PhotoAttackOptions(eotSamples: 8), output: output)
  print(outcome.verdictLine)
  let metrics = outcome.metrics  // the saved region against the same region of the photo
  print("Linf \(metrics.lInfinity) levels, PSNR \((metrics.psnr * 10).rounded() / 10) dB")
  try outcome.report.write(to: report)
  print("wrote \(output.relativePath) and \(report.relativePath)")
  if !outcome.success { exit(1) }  // the attack ran, but the saved file is still recognised
} catch {
  // `PipelineError` and `ReportError` name the file or the option at fault.
  FileHandle.standardError.write(Data("photo-attack: \(error)\n".utf8))
  exit(2)
}
