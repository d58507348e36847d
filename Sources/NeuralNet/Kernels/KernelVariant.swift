import CKernels

/// Which implementation of the engine's vectorised kernels runs.
///
/// Every variant gives the same bits: a product's elements are chains of
/// fused multiply-adds in a fixed order, and vector units only run more
/// chains side by side. The variants differ in speed alone, so a network
/// trained with one can be checked against any other.
public enum KernelVariant: String, Sendable, CaseIterable,
  CustomStringConvertible
{
  /// Scalar `fmaf`: any CPU (slow where it has no FMA unit).
  case portable
  /// x86-64 with AVX2 and FMA (Haswell, Zen and later).
  case avx2
  /// x86-64 with AVX-512F (Skylake-X, Ice Lake, Zen 4 and later).
  case avx512
  /// arm64's Advanced SIMD (every arm64 CPU).
  case neon

  var c: lr_variant {
    switch self {
    case .portable: LR_VARIANT_PORTABLE
    case .avx2: LR_VARIANT_AVX2
    case .avx512: LR_VARIANT_AVX512
    case .neon: LR_VARIANT_NEON
    }
  }

  /// The variant as the kernels' entry points take it.
  var index: Int32 { Int32(c.rawValue) }

  init(_ variant: lr_variant) {
    self = Self.allCases.first { $0.c == variant } ?? .portable
  }

  /// Whether this build runs on a CPU that has the variant's instructions.
  public var isAvailable: Bool { lr_variant_available(c) != 0 }

  /// The variants this machine can run, portable first.
  public static var available: [KernelVariant] {
    allCases.filter(\.isAvailable)
  }

  /// The fastest variant this machine runs.
  public static var best: KernelVariant { KernelVariant(lr_best_variant()) }

  /// The variant networks created from now on use: the one ``select(_:)``
  /// or ``selectFromEnvironment(_:)`` chose, else the one
  /// `LABRUN_KERNELS` names if this CPU runs it, else ``best``.
  public static var current: KernelVariant {
    KernelVariant(lr_default_variant())
  }

  /// Makes `variant` the one new networks use.
  /// - Throws: ``KernelSelectionError/unavailable`` if this CPU lacks it.
  public static func select(_ variant: KernelVariant)
    throws(KernelSelectionError)
  {
    guard variant.isAvailable else {
      throw .unavailable(variant, available: available)
    }
    lr_set_default_variant(variant.c)
  }

  /// Applies `LABRUN_KERNELS` (portable, avx2, avx512 or neon) from
  /// `environment`, if set; returns the variant now in use.
  @discardableResult
  public static func selectFromEnvironment(_ environment: [String: String])
    throws(KernelSelectionError) -> KernelVariant
  {
    guard let name = environment["LABRUN_KERNELS"], !name.isEmpty else {
      return current
    }
    guard let variant = KernelVariant(rawValue: name.lowercased()) else {
      throw .unknown(name)
    }
    try select(variant)
    return variant
  }

  public var description: String { rawValue }
}

/// Why a kernel variant cannot be used.
public enum KernelSelectionError: Error, Equatable, CustomStringConvertible {
  /// `LABRUN_KERNELS` names no variant.
  case unknown(String)
  /// The CPU (or this build) lacks the variant's instructions.
  case unavailable(KernelVariant, available: [KernelVariant])

  public var description: String {
    switch self {
    case .unknown(let name):
      return "LABRUN_KERNELS='\(name)' is not a kernel variant; use one of "
        + KernelVariant.allCases.map(\.rawValue).joined(separator: ", ")
    case .unavailable(let variant, let available):
      return "LABRUN_KERNELS=\(variant) needs instructions this CPU does "
        + "not have; it runs "
        + available.map(\.rawValue).joined(separator: ", ")
    }
  }
}
