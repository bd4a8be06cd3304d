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

  /// Runs the command line: SIGINT and SIGTERM remove any temporary output file
  /// (`SignalCleanup`), an argument that looks like an unknown option is a usage error
  /// (`DashArguments`), then ArgumentParser parses and runs the command.
  static func main() {
    SignalCleanup.install()
    let arguments = Array(CommandLine.arguments.dropFirst())
    if let error = DashArguments.error(in: arguments) { exit(withError: error) }
    main(arguments)
  }
}
