/// When a clip's events happen, and which actor makes each one.
///
/// Rules (from the prototype measurements in SYNTH.md):
/// - 1 to 5 events, drawn with weights 36:28:18:12:6, so few events are common and the
///   chance score of mismatched pairs stays near 0.2;
/// - impacts only on frames 2...frames-2, the frames whose optical-flow peak AV-Align can
///   report, and at least 2 frames apart (3 for one actor striking twice, so its recovery
///   never ties with its next strike);
/// - each event's sound starts at frame/fps + jitter, jitter uniform in ±`timeJitter`,
///   so the frame nearest the sound is the frame that shows the strike.
struct EventSchedule: Sendable, Equatable {
    /// Weights of 1, 2, 3, 4 and 5 events.
    static let countWeights: [Double] = [36, 28, 18, 12, 6]
    /// The largest offset of a sound from its frame's time, in seconds.
    static let timeJitter = 0.025
    /// First frame that may hold an impact.
    static let firstEventFrame = 2

    /// Frames showing a strike, ascending.
    var frames: [Int]
    /// Sound start times in seconds, one per frame.
    var times: [Double]
    /// The actor (0..<actorCount) behind each event.
    var actors: [Int]

    /// Draws a schedule for a clip of `frameCount` frames at `fps`, with `actorCount` actors.
    ///
    /// `alternate` makes consecutive events use different actors whenever there are two or
    /// more (feet, sticks); otherwise an actor is drawn at random, never the previous one
    /// when the gap is 2 frames. With one actor, events are at least 3 frames apart.
    init(frameCount: Int, fps: Double, actorCount: Int, alternate: Bool, rng: inout Xoshiro256) {
        let last = frameCount - 2
        let slots = last - Self.firstEventFrame + 1
        let gap = actorCount >= 2 ? 2 : 3
        var count = 1 + rng.weighted(Self.countWeights)
        if slots < 1 { count = 0 } else { count = min(count, (slots + gap - 1) / gap) }

        // Uniform over all placements with the minimum gap: pick `count` of the
        // `slots - (count-1)(gap-1)` compressed positions, then spread them out.
        let compressed = slots - max(0, count - 1) * (gap - 1)
        var chosen: [Int] = []
        var pool = Array(0..<max(0, compressed))
        for _ in 0..<count {
            chosen.append(pool.remove(at: rng.below(pool.count)))
        }
        chosen.sort()
        frames = chosen.enumerated().map { Self.firstEventFrame + $0.element + $0.offset * (gap - 1) }
        times = frames.map { max(0, Double($0) / fps + rng.uniform(-Self.timeJitter, Self.timeJitter)) }

        var actors: [Int] = []
        let n = max(1, actorCount)
        for (i, frame) in frames.enumerated() {
            guard n > 1 else { actors.append(0); continue }
            if i == 0 {
                actors.append(rng.below(n))
            } else if alternate || frame - frames[i - 1] < 3 {
                let previous = actors[i - 1]
                actors.append((previous + 1 + rng.below(n - 1)) % n)
            } else {
                actors.append(rng.below(n))
            }
        }
        self.actors = actors
    }

    /// How far through its strike an actor is at each frame: 1 in the strike frame, then
    /// shrinking steps (0.5, 0.2, 0.05) back to rest (0). The return steps (0.5, 0.3, 0.15,
    /// 0.05) shrink by a third or more each frame: with gentler ratios (0.4, 0.3, ...) the
    /// Farneback magnitudes of two return steps sometimes tied and made a false peak.
    static let strikeProfile: [Float] = [1, 0.5, 0.2, 0.05]

    /// Frames since `actor` last struck, as of `frame` (nil if it has not struck yet).
    func age(of actor: Int, at frame: Int) -> Int? {
        var result: Int?
        for (f, a) in zip(frames, actors) where a == actor && f <= frame { result = frame - f }
        return result
    }

    /// Frames since any actor last struck, as of `frame` (nil before the first event).
    func ageOfLastEvent(at frame: Int) -> Int? {
        frames.last(where: { $0 <= frame }).map { frame - $0 }
    }

    /// The strike amount (0...1) of `actor` at `frame`, following `strikeProfile`.
    func strike(of actor: Int, at frame: Int) -> Float {
        guard let age = age(of: actor, at: frame), age < Self.strikeProfile.count else { return 0 }
        return Self.strikeProfile[age]
    }

    /// The strike amount of the struck object, which reacts to every event.
    func impact(at frame: Int) -> Float {
        guard let age = ageOfLastEvent(at: frame), age < Self.strikeProfile.count else { return 0 }
        return Self.strikeProfile[age]
    }

    /// How many events happened up to and including `frame`.
    func eventsSoFar(at frame: Int) -> Int { frames.filter { $0 <= frame }.count }
}
