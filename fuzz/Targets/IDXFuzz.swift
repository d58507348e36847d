// libFuzzer target: the IDX reader on bytes in memory, plain or gzipped.
//
// Against the Datasets module built with -enable-testing (see fuzz/run). The
// first byte chooses images or labels; the rest is the file.

@testable import Datasets

func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  timed(data, size) { check(data, size) }
}

private func check(_ data: UnsafePointer<UInt8>, _ size: Int) {
  guard size > 0 else { return }
  let file = UnsafeRawBufferPointer(start: data + 1, count: size - 1)
  do {
    if data[0] & 1 == 0 {
      let images = try IDX.parseImages(file, path: "fuzz-idx3")
      // What the header promised is what came back.
      precondition(images.rows > 0 && images.columns > 0)
      precondition(images.pixels.count % (images.rows * images.columns) == 0)
    } else {
      _ = try IDX.parseLabels(file, path: "fuzz-idx1")
    }
  } catch {
    precondition(error.path.hasPrefix("fuzz-"))
    _ = error.message
  }
}
