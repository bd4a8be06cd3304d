import ArgumentParser

/// Arguments that begin with `-` but name no option, found before ArgumentParser reads them.
///
/// ArgumentParser reads `-dash.jpg` as the short flags `-d -a -s -h ...`, and the `-h` in it
/// prints the help and exits 0; `-x.jpg` is dropped with a message about a missing argument. Here
/// any argument before `--` that begins with a single `-`, is longer than two characters and is
/// not a number (a negative value such as `--eps -3` or `--eps -8/255`) is an unknown option: a
/// usage error naming it and saying where a file with such a name goes. advcli's only short
/// options are `-h` and `-o`, so no longer run of short options is valid.
enum DashArguments {
  /// The usage error for the first unknown option in `arguments` (the command line without the
  /// program name), or nil when there is none.
  static func error(in arguments: [String]) -> ValidationError? {
    let options = arguments.prefix { $0 != "--" }
    guard let unknown = options.first(where: isUnknownOption) else { return nil }
    let command = (["advcli"] + arguments.prefix { !$0.hasPrefix("-") }.prefix(1))
      .joined(separator: " ")
    return ValidationError(
      "unknown option '\(unknown)'; a file whose name begins with '-' goes after '--' "
        + "(\(command) [options] -- \(unknown))")
  }

  private static func isUnknownOption(_ argument: String) -> Bool {
    argument.hasPrefix("-") && !argument.hasPrefix("--") && argument.count > 2
      && PixelAmount(parsing: argument) == nil && ThresholdsArgument(argument: argument) == nil
  }
}
