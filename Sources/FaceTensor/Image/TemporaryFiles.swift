import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The temporary files that atomic writes (`AtomicFileWriter`) have open, so that a process
/// ending on a signal can remove them (`removeAll()`).
///
/// A write registers its temporary path before it creates the file and withdraws it once the file
/// is renamed into place or removed. Paths live in one fixed buffer of `capacity` slots of
/// `PATH_MAX` bytes allocated by `prepare()`, so that `removeAll()` reads them with atomic loads
/// and no allocation: it is async-signal-safe. A write that finds every slot taken, or whose path
/// does not fit a slot, goes ahead untracked.
public enum TemporaryFiles {
  /// Writes tracked at once; each owns a slot while its temporary file may exist.
  public static let capacity = 64
  /// Bytes of one slot: a path and its terminating NUL.
  static let slotBytes = Int(PATH_MAX)

  /// The slots, `capacity` NUL-terminated paths of `slotBytes` bytes each.
  private static let paths: UnsafeSendable<UnsafeMutablePointer<CChar>> = {
    let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: capacity * slotBytes)
    buffer.initialize(repeating: 0, count: capacity * slotBytes)
    return UnsafeSendable(buffer)
  }()
  /// Bit `i` set: slot `i` is owned by a write (its path may be incomplete).
  private static let owned = Atomic<UInt64>(0)
  /// Bit `i` set: slot `i` holds a complete path that `removeAll()` may unlink.
  private static let live = Atomic<UInt64>(0)

  /// Allocates the slots.
  ///
  /// Call it before installing a signal handler that calls `removeAll()`
  /// (the first use of the slots allocates them, which a signal handler must not do); calling it
  /// again does nothing.
  public static func prepare() {
    _ = paths
    _ = owned.load(ordering: .relaxed)
    _ = live.load(ordering: .relaxed)
  }

  /// Removes (`unlink(2)`) every registered temporary file, leaving the registrations as they are.
  ///
  /// Async-signal-safe once `prepare()` has run: atomic loads and `unlink` only. A file renamed
  /// into place already is not touched (its temporary name no longer exists).
  public static func removeAll() {
    removeAll(within: .max)
  }

  /// Unlinks the registered paths of the slots whose bits are set in `mask` (async-signal-safe;
  /// tests pass their own slots).
  static func removeAll(within mask: UInt64) {
    let slots = live.load(ordering: .acquiring) & mask
    guard slots != 0 else { return }
    for slot in 0..<capacity where slots & (1 << UInt64(slot)) != 0 {
      unlink(paths.pointer + slot * slotBytes)
    }
  }

  /// Registers `path` before its file is created; returns the slot to `withdraw(_:)` once the file
  /// is renamed or removed, or nil when the write goes untracked.
  static func register(_ path: String) -> Int? {
    let bytes = Array(path.utf8)
    guard bytes.count < slotBytes else { return nil }
    var current = owned.load(ordering: .relaxed)
    var slot: Int
    repeat {
      slot = (~current).trailingZeroBitCount
      guard slot < capacity else { return nil }
      let (exchanged, original) = owned.compareExchange(
        expected: current, desired: current | (1 << UInt64(slot)), ordering: .acquiring)
      if exchanged { break }
      current = original
    } while true
    let start = paths.pointer + slot * slotBytes
    bytes.withUnsafeBufferPointer { source in
      for (i, byte) in source.enumerated() { start[i] = CChar(bitPattern: byte) }
    }
    start[bytes.count] = 0
    // Releasing: the path's bytes are visible before the slot is seen live.
    _ = live.bitwiseOr(1 << UInt64(slot), ordering: .releasing)
    return slot
  }

  /// Withdraws the registration `slot` made by `register(_:)`; the slot may then be reused.
  static func withdraw(_ slot: Int) {
    let bit: UInt64 = 1 << UInt64(slot)
    _ = live.bitwiseAnd(~bit, ordering: .sequentiallyConsistent)
    _ = owned.bitwiseAnd(~bit, ordering: .releasing)
  }

  /// The paths registered now, for tests.
  static var registeredPaths: [String] {
    let slots = live.load(ordering: .acquiring)
    return (0..<capacity).filter { slots & (1 << UInt64($0)) != 0 }.map {
      String(cString: paths.pointer + $0 * slotBytes)
    }
  }
}
