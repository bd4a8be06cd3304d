import Foundation

/// Read-only access to the process environment and processor count.
enum ProcessEnvironment {
  static func value(of name: String) -> String? { ProcessInfo.processInfo.environment[name] }
  static var activeProcessorCount: Int { ProcessInfo.processInfo.activeProcessorCount }
}
