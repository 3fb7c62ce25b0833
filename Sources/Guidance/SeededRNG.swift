import Foundation
import Tensor

/// A small seeded pseudo-random generator, so sampling and training runs are reproducible:
/// xoshiro256** (Blackman & Vigna 2018) for 64-bit words, seeded through SplitMix64, with
/// Box-Muller for standard normals.
///
/// Not cryptographic. The same seed gives the same stream on every platform.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    /// The 64-bit word stream: the tensor engine's xoshiro256** seeded through SplitMix64.
    private var words: Xoshiro256
    private var spareNormal: Double?

    /// Seeds the four state words from `seed` with SplitMix64 (never all zero).
    public init(seed: UInt64) {
        words = Xoshiro256(seed: seed)
        spareNormal = nil
    }

    /// The next 64-bit word of xoshiro256**.
    public mutating func next() -> UInt64 { words.next() }

    /// A uniform double in [0, 1) from the top 53 bits of one word.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// A standard normal double (Box-Muller: `sqrt(-2 ln u1) * cos(2 pi u2)`, the sine
    /// half kept for the next call).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        let u1 = 1.0 - nextUniform()  // in (0, 1], so the log is finite
        let u2 = nextUniform()
        let r = (-2.0 * log(u1)).squareRoot()
        let a = 2.0 * Double.pi * u2
        spareNormal = r * sin(a)
        return r * cos(a)
    }

    /// A uniform integer in `0..<n` (n > 0).
    public mutating func nextInt(below n: Int) -> Int {
        Int.random(in: 0..<n, using: &self)
    }
}
