import Guidance

extension SeededRNG {
    /// The generator of sample `index` of a run with `seed` (`sample` and `generate` alike),
    /// so any sample can be made alone and a run can be sharded with --first.
    static func forSample(seed: UInt64, index: Int) -> SeededRNG {
        SeededRNG(seed: seed ^ (UInt64(index) &+ 1) &* 0xD1B5_4A32_D192_ED03)
    }
}
