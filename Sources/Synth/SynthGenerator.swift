// Synth: a procedural audio-visual dataset whose sound and picture are synchronised in a
// way AV-Align can measure (audio onsets vs Farneback optical-flow peaks, ±1 frame).
//
// How a clip is made (clip i depends only on the seed and i):
//   1. EventSchedule draws 1-5 events (weights 36:28:18:12:6) on frames 2..F-2, at least
//      2 frames apart (3 for one actor), each sound at frame/10 s ± 25 ms.
//   2. A scene (PercussionScenes, BodyScenes, BurstScenes) paints a static backdrop and props
//      once, then each frame's actors: at an event one actor jumps 3.5-5 px in that frame,
//      then returns in shrinking steps (EventSchedule.strikeProfile) to rest.
//   3. SoundBank adds one tapered, class-typical sound per event over exact digital silence,
//      each ending 30 ms before the next begins.
// Measured with the reference OpenCV/librosa AV-Align (script in DumpForPython) on three
// 800-clip runs (seeds 31, 41, 51): synchronised 1.000, audio re-matched within a class
// 0.204-0.206; 2.0 s clips 1.000 / 0.143; after H.264 (crf 23) + AAC, 0.998 / 0.183.
//
// Files: Random (SplitMix64, xoshiro256**), SynthClass (classes, captions), EventSchedule,
// Canvas (anti-aliased SDF shapes), Backdrop (backgrounds, contrasting colours), Scene and the
// three scene files, SoundBank (timbres), SynthClip, SynthMetadata (KEY.json), TextEncoder.

/// Makes procedural audio-visual clips whose sounds and impacts happen at the same moments.
///
/// Clip `i` depends only on `(seed, i)` (and the settings), never on other clips, so clips
/// can be generated in any order, in parallel, or sharded. Classes go round-robin over
/// `classes` (clip i has class `classes[i % classes.count]`). All randomness comes from
/// `Xoshiro256` streams derived from the seed and index; the system generator is never used.
public struct SynthGenerator: Sendable {
    /// Audio sample rate in Hz.
    public static let sampleRate = 16_000
    /// Video frame rate in frames per second.
    public static let fps = 10
    /// Frame width and height in pixels.
    public static let size = 64
    /// The default clip length in seconds (25,600 samples, 16 frames).
    public static let defaultSeconds = 1.6

    /// The run's seed.
    public let seed: UInt64
    /// Clip length in seconds.
    public let seconds: Double
    /// The classes clips are drawn from (all classes when constructed with an empty list).
    public let classes: [SynthClass]
    /// Frames per clip: `round(seconds * 10)`.
    public let frames: Int
    /// Audio samples per clip: `round(seconds * 16000)`.
    public let samples: Int

    /// A generator for clips of `seconds` (clamped to at least 0.1 s) from `classes`.
    ///
    /// Clips shorter than 0.4 s (4 frames) have no frame that can hold a visible impact
    /// and come out as silence over a still picture with no events.
    public init(seed: UInt64, seconds: Double = SynthGenerator.defaultSeconds,
                classes: [SynthClass] = SynthClass.allCases) {
        self.seed = seed
        let s = seconds.isFinite ? max(0.1, seconds) : Self.defaultSeconds
        self.seconds = s
        self.classes = classes.isEmpty ? SynthClass.allCases : classes
        frames = max(1, Int((s * Double(Self.fps)).rounded()))
        samples = max(1, Int((s * Double(Self.sampleRate)).rounded()))
    }

    /// Stream tags, so the picture, the sound and the captions draw from unrelated streams.
    private enum Stream: UInt64 {
        case plan = 0x706C_616E, picture = 0x7069_6374, sound = 0x736F_756E
    }

    /// The class of clip `index`.
    public func synthClass(of index: Int) -> SynthClass {
        classes[((index % classes.count) + classes.count) % classes.count]
    }

    /// Generates clip `index` (any integer; negative indices are valid too).
    public func clip(_ index: Int) -> SynthClip {
        let kind = synthClass(of: index)
        let key = UInt64(bitPattern: Int64(index))
        var plan = Xoshiro256(seed: seed, index: key, tag: Stream.plan.rawValue)
        var picture = Xoshiro256(seed: seed, index: key, tag: Stream.picture.rawValue)
        var sound = Xoshiro256(seed: seed, index: key, tag: Stream.sound.rawValue)

        let caption = plan.pick(kind.captionTemplates)
        let backdrop = Backdrop(rng: &picture, dark: kind == .fireworks)
        let scene = makeScene(kind, backdrop: backdrop, rng: &picture)
        let schedule = EventSchedule(frameCount: frames, fps: Double(Self.fps), actorCount: scene.actorCount,
                                     alternate: scene.alternates, rng: &plan)

        var background = backdrop.paint(size: Self.size, rng: &picture)
        scene.paintStatic(on: &background)
        Backdrop.addGrain(to: &background, rng: &picture)
        var video: [UInt8] = []
        video.reserveCapacity(frames * 3 * Self.size * Self.size)
        for frame in 0..<frames {
            var canvas = background
            scene.paintFrame(frame, schedule: schedule, on: &canvas)
            canvas.appendBytes(to: &video)
        }

        var audio = [Float](repeating: 0, count: samples)
        let bank = SoundBank(kind: kind, sampleRate: Double(Self.sampleRate), rng: &sound)
        let rate = Double(Self.sampleRate)
        // Each sound ends 30 ms before the next starts, so the next onset rises from silence
        // within the onset detector's window rather than from a loud tail.
        let gapBeforeNext = Int(0.03 * rate)
        for (i, time) in schedule.times.enumerated() {
            let start = Int((time * rate).rounded())
            let next = i + 1 < schedule.times.count ? Int((schedule.times[i + 1] * rate).rounded()) : samples
            bank.addEvent(actor: schedule.actors[i], start: start, limit: next - start - gapBeforeNext,
                          into: &audio, rng: &sound)
        }

        return SynthClip(classIndex: kind.index, caption: caption, audio: audio, video: video, frames: frames,
                         eventTimes: schedule.times, eventFrames: schedule.frames)
    }
}
