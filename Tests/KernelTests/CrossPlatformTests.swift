import Foundation
import LabrunTestSupport
import Testing

/// The kernels' bits on other CPUs and compilers: script/check-kernels runs
/// the kernel driver under every x86-64 variant this machine has, built by
/// clang and gcc, and built for arm64 under qemu-aarch64.
@Suite("script/check-kernels", .serialized)
struct CrossPlatformTests {
  static let script = repositoryRoot.appendingPathComponent(
    "script/check-kernels")

  /// Whether the cross compiler and qemu are installed (./test installs
  /// them on Debian; elsewhere these tests are skipped).
  static let toolsInstalled: Bool = {
    ["aarch64-linux-gnu-gcc", "qemu-aarch64"].allSatisfy { tool in
      (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        .contains {
          FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
        }
    }
  }()

  @Test(
    "every variant, x86-64 and arm64, prints the same hashes",
    .enabled(if: toolsInstalled))
  func sameBitsEverywhere() throws {
    let result = try runProcess(Self.script, [])
    #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    #expect(result.stdout.contains("identical"))
    #expect(result.stdout.contains("arm64/gcc/neon"))
    #expect(result.stdout.contains("x86-64/clang/portable"))
  }

  @Test(
    "the check fails when the arm64 build fuses a·b + c",
    .enabled(if: toolsInstalled))
  func contractionIsCaught() throws {
    let result = try runProcess(
      Self.script, [],
      environment: ["CHECK_KERNELS_ARM64_FLAGS": "-ffp-contract=fast"])
    #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
    #expect(result.stderr.contains("arm64/gcc/neon differs"))
  }
}
