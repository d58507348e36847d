// Numbers on the page are fixed, locale-free and rounded as people expect.

import NumberFormat
import Testing

@testable import Report

@Suite("Number formatting")
struct FormatTests {
  @Test func fixed() {
    #expect(Format.fixed(0.5, 2) == "0.50")
    #expect(Format.fixed(-0.004, 2) == "0.00")
    #expect(Format.fixed(-1.25, 1) == "-1.3")
    #expect(Format.fixed(95.125, 0) == "95")
    #expect(Format.fixed(.nan, 2) == "NaN")
    #expect(Format.fixed(-.infinity, 2) == "−∞")
  }

  @Test("counts in digits, other numbers as the notebook writes them")
  func digits() {
    #expect(Format.digits(2_000_000) == "2000000")
    #expect(Format.plain(2_000_000.0) == "2e6")
    #expect(Format.digits(0.5) == "0.5")
    #expect(Format.digits(1e-5) == "1e-5")
    #expect(Format.digits(1e20) == "1e20")
  }

  @Test func positionalHasNoExponentAndReadsBack() {
    #expect(Format.positional(5e-10) == "0.0000000005")
    #expect(Format.positional(-1.25e-5) == "-0.0000125")
    #expect(Format.positional(0.5) == "0.5")
    for x in [5e-324, 2.5e-300, 1e-5, 0.1, -3e-7] {
      let text = Format.positional(x)
      #expect(!text.contains("e") && Double(text)?.bitPattern == x.bitPattern, "\(text)")
    }
  }

  @Test func groupedAndPercent() {
    #expect(Format.grouped(9_512) == "9,512")
    #expect(Format.grouped(50_000) == "50,000")
    #expect(Format.grouped(999) == "999")
    #expect(Format.grouped(-1_234_567) == "-1,234,567")
    #expect(Format.percent(0.9512) == "95.12\u{A0}%")
  }

  @Test func durations() {
    #expect(Format.duration(0.412) == "412\u{A0}ms")
    #expect(Format.duration(6.84) == "6.84\u{A0}s")
    #expect(Format.duration(19.74) == "19.7\u{A0}s")
    #expect(Format.duration(125) == "2\u{A0}min 05\u{A0}s")
    #expect(Format.duration(.nan) == "–")
  }

  @Test func plainNumbers() {
    #expect(Format.plain(3) == "3")
    #expect(Format.plain(0.5) == "0.5")
    #expect(Format.plain(0.001) == "0.001")
    #expect(Format.plain(50000) == "50000")
    #expect(Format.plain(1234567) == "1234567")
    #expect(Format.plain(1e12) == "1e12")
    #expect(Format.plain(-2.5e7) == "-2.5e7")
    #expect(Format.plain(1e20) == "1e20")
    #expect(Format.plain(1e-5) == "1e-5")
    #expect(Format.plain(1.5e-7) == "1.5e-7")
    #expect(Format.plain(.infinity) == "∞")
    // Every spelling reads back as the same number.
    for x in [1e12, -2.5e7, 1e20, 1e-5, 1.5e-7, 123_000_000, 0.1, 3] {
      #expect(Double(Format.plain(x)) == x, "\(x)")
    }
  }
}
