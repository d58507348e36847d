// libFuzzer target: the network-file reader (docs/network-file.md).
//
// Against the NeuralNet module built with -enable-testing (see
// fuzz/run). Most inputs die at the checksum, so the entry point also
// reseals each input in both versions: the same bytes with a correct
// length and SHA-256, which reaches each body parser with whatever the
// fuzzer wrote there.

@testable import NeuralNet

func fuzzNetworkFile(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    check(NetworkFile.sealed(body: bytes, version: 1))
    check(NetworkFile.sealed(body: bytes, version: 2))
  }
}

private func check(_ bytes: [UInt8]) {
  do {
    let file = try NetworkFile.decode(bytes, path: "fuzz.lrnet")
    // What was read is a usable network, and writing it gives the same
    // bytes back (version 2 has one spelling for each network; a version
    // 1 file is rewritten as version 2 and reads back the same).
    precondition(file.architecture.problems.isEmpty)
    precondition(file.parameters.count == file.architecture.parameterCount)
    let written = file.encoded()
    if bytes[8] == 2 {
      precondition(written == bytes)
    } else {
      precondition((try? NetworkFile.decode(written, path: "again")) == file)
    }
  } catch {
    precondition(error.path == "fuzz.lrnet")
    precondition(!error.message.isEmpty && !error.suggestion.isEmpty)
  }
}
