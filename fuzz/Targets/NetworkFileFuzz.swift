// libFuzzer target: the network-file reader (docs/network-file.md).
//
// Compiled with NeuralNet's Configuration.swift and NetworkFile.swift,
// against the Datasets module for SHA-256 (see fuzz/run). Most inputs die
// at the checksum, so the entry point also reseals each input: the same
// bytes with a correct length and SHA-256, which reaches the body's
// parser with whatever the fuzzer wrote there.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetworkFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    check(NetworkFile.sealed(body: bytes))
  }
}

private func check(_ bytes: [UInt8]) {
  do {
    let file = try NetworkFile.decode(bytes, path: "fuzz.lrnet")
    // What was read is a usable network, and writing it gives the same
    // bytes back: the format has one spelling for each network.
    precondition(file.configuration.problems.isEmpty)
    precondition(file.parameters.count == file.configuration.parameterCount)
    precondition(file.encoded() == bytes)
  } catch {
    precondition(error.path == "fuzz.lrnet")
    precondition(!error.message.isEmpty && !error.suggestion.isEmpty)
  }
}
