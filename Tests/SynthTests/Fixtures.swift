@testable import Synth

/// Clips shared by several tests, generated once (debug builds are slow).
enum Fixtures {
    /// The seed the shared clips are made with.
    static let seed: UInt64 = 20_261_126
    /// The generator of the shared clips (default 1.6 s, all classes).
    static let generator = SynthGenerator(seed: seed)
    /// 200 clips, 25 per class.
    static let clips: [SynthClip] = (0..<200).map { generator.clip($0) }
}
