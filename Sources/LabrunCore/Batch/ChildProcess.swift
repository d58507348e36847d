import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A labrun run of one notebook in a process of its own, in its own
/// process group (so that a timeout or Ctrl-C kills whatever it started),
/// its output going to a log file.
final class ChildProcess {
  let pid: pid_t
  let started: DispatchTime

  /// The environment variable through which a child learns its memory cap
  /// (megabytes of address space), applied with setrlimit at its start.
  static let memoryLimitVariable = "LABRUN_MEMORY_LIMIT_MB"

  /// Starts `executable` with `arguments`; standard output and error go
  /// to `logPath`, standard input is /dev/null.
  init(
    executable: String, arguments: [String], environment: [String: String],
    logPath: String
  ) throws(RunError) {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    // Its own process group; default handlers for the signals the parent
    // traps (ignored dispositions would otherwise be inherited) and an
    // empty signal mask.
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGPIPE, SIGHUP] {
      sigaddset(&defaults, signal)
    }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setpgroup(&attributes, 0)
    posix_spawnattr_setflags(
      &attributes,
      Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF
        | POSIX_SPAWN_SETSIGMASK))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp =
      environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for pointer in argv { free(pointer) }
      for pointer in envp { free(pointer) }
    }
    var child: pid_t = 0
    let status = posix_spawn(
      &child, executable, &actions, &attributes, argv, envp)
    guard status == 0 else {
      throw .cannotWrite(
        path: executable,
        reason: "cannot start: " + String(cString: strerror(status)))
    }
    pid = child
    started = .now()
  }

  /// Kills the child's whole process group.
  func kill(_ signal: Int32 = SIGKILL) {
    _ = Glibc.kill(-pid, signal)
    _ = Glibc.kill(pid, signal)
  }

  /// The path of the running executable (for re-executing labrun).
  static func currentExecutable() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if count > 0 {
      return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) },
        as: UTF8.self)
    }
    return CommandLine.arguments[0]
  }

  /// Applies the memory cap a parent passed in the environment (call
  /// first thing in `main`): the process's address space is limited, so
  /// a runaway allocation fails inside it instead of swapping the machine.
  static func applyMemoryLimit(_ environment: [String: String]) {
    guard let text = environment[memoryLimitVariable],
      let megabytes = UInt64(text), megabytes > 0
    else { return }
    let bytes = rlim_t(megabytes) * 1_048_576
    var limit = rlimit(rlim_cur: bytes, rlim_max: bytes)
    _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
  }
}

/// How a child process ended, from `wait4`'s status.
enum ChildExit: Equatable {
  case exited(Int32)
  case signalled(Int32)

  init(waitStatus status: Int32) {
    if status & 0x7F == 0 {
      self = .exited((status >> 8) & 0xFF)
    } else {
      self = .signalled(status & 0x7F)
    }
  }
}

/// The memory cap a batch gives each child.
public enum MemoryLimit {
  /// Applies the cap a parent passed in the environment; `main` calls it
  /// first thing.
  public static func apply(from environment: [String: String]) {
    ChildProcess.applyMemoryLimit(environment)
  }
}
