import ArgumentParser

/// `advcli`: detect, identify, embed and attack faces on real photos.
@main
struct AdvCLI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "advcli",
    abstract: "Fool face recognition with small, invisible perturbations.",
    subcommands: [
      Detect.self, Identify.self, Models.self, Embed.self, Verify.self, Attack.self, Evaluate.self,
    ])
}
