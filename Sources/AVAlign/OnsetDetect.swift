import Foundation

/// librosa's `onset.onset_detect` (normalised envelope, greedy `util.peak_pick`,
/// no backtracking) at 22,050 Hz with hop 512.
public enum OnsetDetect {
    /// Peak-picking windows in frames, librosa's defaults `floor(sec * sr / hop)`
    /// (+1 for the post windows): (1, 1, 4, 5, 1) at 22,050 Hz, delta 0.07.
    public struct Parameters: Sendable, Equatable {
        public var preMax: Int, postMax: Int, preAvg: Int, postAvg: Int, wait: Int
        public var delta: Double

        /// The defaults, with an optional onset spacing (`wait`) in seconds
        /// (0.03 s by default; the MMDisCo variant uses 0.096 s).
        public init(sampleRate: Int = OnsetEnvelope.sampleRate, hop: Int = OnsetEnvelope.hop,
                    waitSeconds: Double = 0.03) {
            let r = Double(sampleRate) / Double(hop)
            func frames(_ s: Double) -> Int { Int(((s * Double(sampleRate)) / Double(hop)).rounded(.down)) }
            _ = r
            preMax = frames(0.03)
            postMax = frames(0.0) + 1
            preAvg = frames(0.10)
            postAvg = frames(0.10) + 1
            wait = frames(waitSeconds)
            delta = 0.07
        }
    }

    /// `(env - min) / (max(env - min) + FLT_MIN)` in float32.
    public static func normalize(_ env: [Float]) -> [Float] {
        guard let mn = env.min() else { return env }
        let shifted = env.map { $0 - mn }
        let mx = shifted.max() ?? 0
        let d = mx + Float.leastNormalMagnitude
        return shifted.map { $0 / d }
    }

    /// Greedy peak picking (librosa 0.11 `util.peak_pick`): n is picked when
    /// `x[n] == max(x[n-pre_max ..< n+post_max])` and
    /// `x[n] >= mean(x[n-pre_avg ..< n+post_avg]) + delta` (windows clipped to the signal);
    /// after a pick the next `wait` frames are skipped.
    public static func peakPick(_ x: [Float], _ p: Parameters) -> [Int] {
        let L = x.count
        var peaks: [Int] = []
        var n = 0
        while n < L {
            let a = max(0, n - p.preMax), b = min(n + p.postMax, L)
            var mx = -Float.infinity
            for i in a..<b { mx = max(mx, x[i]) }
            guard x[n] == mx else { n += 1; continue }
            let c = max(0, n - p.preAvg), d = min(n + p.postAvg, L)
            var s: Float = 0
            for i in c..<d { s += x[i] }
            let avg = Double(s) / Double(d - c)
            guard Double(x[n]) >= avg + p.delta else { n += 1; continue }
            peaks.append(n)
            n += p.wait + 1
        }
        return peaks
    }

    /// Onset frame indices of a raw onset envelope; none when the normalised envelope is
    /// all zero or not finite.
    public static func onsetFrames(envelope: [Float], parameters: Parameters = Parameters()) -> [Int] {
        let x = normalize(envelope)
        guard x.contains(where: { $0 != 0 }), x.allSatisfy({ $0.isFinite }) else { return [] }
        return peakPick(x, parameters)
    }

    /// Onset time of frame `f`: `f * 512 / 22050` seconds.
    public static func time(frame f: Int) -> Double {
        Double(f * OnsetEnvelope.hop) / Double(OnsetEnvelope.sampleRate)
    }
}
