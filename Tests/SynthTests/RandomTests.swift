import XCTest
@testable import Synth

final class RandomTests: XCTestCase {
    /// SplitMix64's published first outputs for seed 0.
    func testSplitMixReferenceValues() {
        var sm = SplitMix64(seed: 0)
        XCTAssertEqual(sm.next(), 0xE220_A839_7B1D_CDAF)
        XCTAssertEqual(sm.next(), 0x6E78_9E6A_A1B9_65F4)
    }

    func testStreamsAreDeterministicAndIndependent() {
        var a = Xoshiro256(seed: 7, index: 3, tag: 1), b = Xoshiro256(seed: 7, index: 3, tag: 1)
        var c = Xoshiro256(seed: 7, index: 4, tag: 1), d = Xoshiro256(seed: 7, index: 3, tag: 2)
        let sa = (0..<8).map { _ in a.next() }
        XCTAssertEqual(sa, (0..<8).map { _ in b.next() })
        XCTAssertNotEqual(sa, (0..<8).map { _ in c.next() })
        XCTAssertNotEqual(sa, (0..<8).map { _ in d.next() })
    }

    func testRangesAndWeights() {
        var rng = Xoshiro256(seed: 1)
        var counts = [0, 0, 0]
        for _ in 0..<30_000 {
            let u = rng.unit()
            XCTAssert(u >= 0 && u < 1)
            let k = rng.below(3)
            XCTAssert((0..<3).contains(k))
            counts[rng.weighted([1, 2, 0])] += 1
            XCTAssert((5...9).contains(rng.int(in: 5...9)))
        }
        XCTAssertEqual(counts[2], 0)
        XCTAssertEqual(Double(counts[1]) / Double(counts[0]), 2, accuracy: 0.15)
        XCTAssertEqual(rng.below(1), 0)
        XCTAssertEqual(rng.below(0), 0)
    }
}
