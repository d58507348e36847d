// libFuzzer target: the architecture notation (`28x28 conv5x5x20 pool2 100
// 10`), in the NeuralNet module (see fuzz/run and Entry.swift).

@testable import NeuralNet

func fuzzArchitecture(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  do {
    let architecture = try NetworkArchitecture.parse(text)
    // What it reads it can write back, and the counts make sense.
    precondition(
      (try? NetworkArchitecture.parse(architecture.notation)) == architecture,
      "notation does not read back: \(architecture.notation)")
    precondition(architecture.parameterCounts.allSatisfy { $0 >= 0 })
    precondition(architecture.shapes.allSatisfy { $0.count >= 1 })
  } catch {
    // Every mistake points inside the text and says something.
    precondition(!error.errors.isEmpty)
    for mistake in error.errors {
      precondition(mistake.offset >= 0 && mistake.length >= 1)
      precondition(mistake.offset + mistake.length <= max(text.count, 1))
      precondition(!mistake.message.isEmpty)
    }
  }
}
