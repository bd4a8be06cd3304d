// detect-faces PHOTO: find the faces in a photo with MTCNN and print their boxes.
//
// FaceNets re-exports FaceTensor, so this one import brings `MTCNN` and `RGBImage` both.
// The MTCNN weights ship inside FaceNets: nothing to download.
//
// Run: swift run -c release detect-faces Examples/photos/two_people.jpg

import FaceNets
import Foundation

guard CommandLine.arguments.count == 2 else {
  FileHandle.standardError.write(Data("usage: detect-faces PHOTO\n".utf8))
  exit(64)
}
let path = CommandLine.arguments[1]

do {
  let photo = try RGBImage(contentsOf: URL(fileURLWithPath: path))
  let faces = try MTCNN().detect(in: photo)
  print("\(path): \(photo.width)x\(photo.height), \(faces.count) faces")
  for (i, face) in faces.enumerated() {
    // `reportedBox` is the box as the `mtcnn` Python package prints it: [x, y, width, height].
    let box = face.reportedBox
    let eyes = [face.landmarks.leftEye, face.landmarks.rightEye].map(\.reported)
    print(
      "face \(i): box x \(box.x), y \(box.y), \(box.width)x\(box.height) px,"
        + " confidence \((face.confidence * 1000).rounded() / 1000),"
        + " eyes at (\(eyes[0].x), \(eyes[0].y)) and (\(eyes[1].x), \(eyes[1].y))")
  }
} catch {
  // `ImageIOError` and `MTCNNError` name the file and the problem.
  FileHandle.standardError.write(Data("detect-faces: \(error)\n".utf8))
  exit(2)
}
