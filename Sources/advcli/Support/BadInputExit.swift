import ArgumentParser

/// Exit status for input the command could not use (a missing or unreadable file, no face, an
/// unknown name): the error's message goes to standard error as one line.
let badInputExitCode = ExitCode(2)

/// Runs `body`; any error that is not ArgumentParser's own (usage errors keep their code 64,
/// explicit exits keep theirs) is printed as `advcli: MESSAGE` and becomes exit status 2.
func exitingWithStatus2OnBadInput<T>(_ body: () throws -> T) throws -> T {
  do {
    return try body()
  } catch let error as ExitCode {
    throw error
  } catch let error as ValidationError {
    throw error
  } catch let error as CleanExit {
    throw error
  } catch {
    var standardError = StandardError()
    print("advcli: \(error)", to: &standardError)
    throw badInputExitCode
  }
}
