import FacePipeline
import Foundation
import Testing

@Suite struct OutputFormatTests {
  @Test func lossyOutputNeedsAJPEGQuality() throws {
    let jpg = URL(fileURLWithPath: "/tmp/out.jpg")
    #expect(throws: PipelineError.lossyOutput(path: jpg.path)) {
      try OutputFormat(path: jpg, jpegQuality: nil)
    }
    #expect(try OutputFormat(path: jpg, jpegQuality: 90) == .jpeg(quality: 90))
    #expect(try OutputFormat(path: URL(fileURLWithPath: "/tmp/out.PNG"), jpegQuality: 90) == .png)
    #expect(throws: PipelineError.unsupportedOutput(path: "/tmp/out.webp")) {
      try OutputFormat(path: URL(fileURLWithPath: "/tmp/out.webp"), jpegQuality: nil)
    }
  }

  @Test func theInputIsNeverTheOutputWhateverTheSpelling() throws {
    let input = URL(fileURLWithPath: "/tmp/photos/a.png")
    let sameFile = URL(fileURLWithPath: "/tmp/photos/../photos/./a.png")
    #expect(throws: PipelineError.outputIsInput(path: sameFile.path)) {
      try OutputFormat.checked(output: sameFile, input: input, jpegQuality: nil)
    }
    #expect(
      try OutputFormat.checked(
        output: URL(fileURLWithPath: "/tmp/photos/a.adv.png"), input: input, jpegQuality: nil)
        == .png)
  }
}
