import Foundation

/// A small seeded pseudo-random generator, so sampling and training runs are reproducible:
/// xoshiro256** (Blackman & Vigna 2018) for 64-bit words, seeded through SplitMix64, with
/// Box-Muller for standard normals.
///
/// Not cryptographic. The same seed gives the same stream on every platform.
public struct SeededRNG: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// Seeds the four state words from `seed` with SplitMix64 (never all zero).
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
        spareNormal = nil
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64-bit word: `rotl(s1 * 5, 7) * 9`, then the xoshiro256 state update.
    public mutating func next() -> UInt64 {
        let result = SeededRNG.rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = SeededRNG.rotl(s.3, 45)
        return result
    }

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
