import CCrypto

// MARK: - SHA-256

/// SHA-256 through OpenSSL's libcrypto (which uses the CPU's SHA
/// instructions where there are some: about 2 GB/s).
public enum SHA256Digest {
  /// The SHA-256 of `bytes` as 64 lowercase hex digits.
  public static func hex(of bytes: UnsafeRawBufferPointer) -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    let status = digest.withUnsafeMutableBufferPointer { output in
      // A zero-length buffer may have no base address; any valid pointer
      // will do for zero bytes.
      withUnsafeBytes(of: 0) { empty in
        let input = bytes.baseAddress ?? empty.baseAddress!
        return EVP_Digest(
          input, bytes.count, output.baseAddress, &length, EVP_sha256(), nil)
      }
    }
    // EVP_Digest fails only if OpenSSL cannot allocate a context; an
    // impossible sum then never matches a known one.
    guard status == 1 else { return String(repeating: "?", count: 64) }
    return hexString(digest)
  }

  /// The SHA-256 of `bytes` as 64 lowercase hex digits.
  public static func hex(of bytes: [UInt8]) -> String {
    bytes.withUnsafeBytes { hex(of: $0) }
  }

  /// The SHA-256 of the file at `path` as 64 lowercase hex digits.
  ///
  /// - Throws: `DataError` if the file is missing, a folder or unreadable.
  public static func hex(ofFile path: String) throws(DataError) -> String {
    hex(of: try readWholeFile(path).bytes)
  }
}

/// Lowercase hex digits of `bytes`.
private func hexString(_ bytes: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  text.reserveCapacity(bytes.count * 2)
  for byte in bytes {
    text.append(digits[Int(byte >> 4)])
    text.append(digits[Int(byte & 0x0f)])
  }
  return String(decoding: text, as: UTF8.self)
}
