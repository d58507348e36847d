import Datasets
import Testing

@testable import LabrunCore

/// Where a run keeps decoded data sets, and when it uses them: as the
/// per-cell cache is used (`--no-cache`, `--rerun`).
@Suite("Decoded data cache options")
struct DecodedDataCacheOptionsTests {
  func options(_ settings: CacheSettings) -> RunOptions {
    RunOptions(outputDirectory: "out", cache: settings)
  }

  @Test("beside the cell entries, read and written by default")
  func byDefault() {
    #expect(
      options(CacheSettings()).decodedDataCache
        == DecodedDataCache(folder: "out/.labrun-cache/data"))
  }

  @Test("--rerun writes entries but does not read them")
  func refresh() {
    #expect(
      options(CacheSettings(mode: .refresh)).decodedDataCache
        == DecodedDataCache(folder: "out/.labrun-cache/data", reads: false))
  }

  @Test("--no-cache neither reads nor writes them")
  func off() {
    #expect(options(CacheSettings(mode: .off)).decodedDataCache == nil)
  }

  @Test("a cache folder of its own holds them too")
  func ownFolder() {
    #expect(
      options(CacheSettings(folder: "/tmp/c")).decodedDataCache
        == DecodedDataCache(folder: "/tmp/c/data"))
  }
}
