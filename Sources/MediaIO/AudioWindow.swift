import CAVCodec
import CAVFormat
import CAVUtil
import CSWResample
import CSWScale

/// Turns decoded audio frames into the mono samples covering [start, end).
///
/// Timing rule: decoded frames ending more than `warmup` (0.1 s) before `start` are dropped unresampled;
/// the first kept frame starts the resampler, and output sample i of the resampler lies at
/// `tFirst + i/outRate` (tFirst = that frame's best-effort timestamp, seconds after the container
/// start). When that frame begins well before `start`, a few of its samples are skipped so that an
/// output sample falls on `start` to within 1/(2·inRate/gcd) of an output sample; when it begins
/// at or after `start - warmup` (e.g. any decode from 0) nothing is skipped and the output is
/// what `ffmpeg -af pan=… -ar R` gives. Delivered: round((end-start)·outRate) samples when `end` is
/// set (fewer if the stream ends), the first being the one nearest `start`; a stream that begins
/// after `start` is preceded by zeros when `padLeadingGap` is set. Later gaps in timestamps are not
/// filled (samples are counted, as ffmpeg does without `aresample=async`).
final class AudioWindow {
    private let spec: AudioSpec
    private let start: Double
    private let end: Double?
    private let timeBase: AVRational
    private let containerStart: Double
    private let input: String
    private let warmup = 0.1

    private var resampler: AudioResampler?
    private var pendingSkip = 0
    private var produced: Int64 = 0          // output samples made so far (index of the next one)
    private var firstWanted: Int64 = 0       // output index of the sample at `start`
    private var endWanted: Int64 = .max      // output index one past the window
    private var nextFrameTime: Double?
    /// Whether the window is complete.
    private(set) var done = false
    /// Samples handed to the callback so far.
    private(set) var delivered = 0

    /// Makes a window for one decode pass.
    init(spec: AudioSpec, start: Double, end: Double?, timeBase: AVRational, containerStart: Double,
         input: String) {
        self.spec = spec
        self.start = start
        self.end = end
        self.timeBase = timeBase
        self.containerStart = containerStart
        self.input = input
    }

    /// Takes one decoded frame.
    func consume(_ frame: Frame, _ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let f = frame.pointer
        let count = Int(f.pointee.nb_samples)
        let rate = Int(f.pointee.sample_rate)
        guard !done, count > 0, rate > 0 else { return }
        let time = frame.timestamp.map { Double($0) * av_q2d(timeBase) - containerStart }
            ?? nextFrameTime ?? 0
        nextFrameTime = time + Double(count) / Double(rate)
        guard let resampler else {
            if time + Double(count) / Double(rate) <= start - warmup { return }
            try begin(with: f, time: time, onAudio)
            try feed(f, count: count, onAudio)
            return
        }
        if !resampler.accepts(f) {
            // Format change mid-stream: drain the old resampler and continue on the same count.
            try resampler.convert(nil) { try deliver($0, onAudio) }
            self.resampler = try AudioResampler(like: f, outRate: spec.sampleRate, mode: spec.channelMode,
                                                engine: spec.engine, input: input)
        }
        try feed(f, count: count, onAudio)
    }

    /// Flushes the resampler at the end of the stream.
    func finish(_ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard !done, let resampler else { return }
        try resampler.convert(nil) { try deliver($0, onAudio) }
        done = true
    }

    /// Creates the resampler for the first kept frame and fixes the output grid.
    private func begin(with f: UnsafeMutablePointer<AVFrame>, time: Double,
                       _ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let made = try AudioResampler(like: f, outRate: spec.sampleRate, mode: spec.channelMode,
                                      engine: spec.engine, input: input)
        resampler = made
        let inRate = Double(made.inRate), outRate = Double(made.outRate)
        let ahead = (start - time) * inRate            // input samples from this frame to `start`
        let warm = warmup * inRate
        var skip = 0
        var q = ((start - time) * outRate).rounded()   // output index of `start`
        if ahead > warm {
            let g = gcd(made.inRate, made.outRate)
            let period = min(made.outRate / g, 100_000)
            let qHigh = Int64((ahead * outRate / inRate).rounded(.down))
            let qLow = max(Int64((warm * outRate / inRate).rounded(.up)), qHigh - Int64(period) + 1)
            var best = Double.infinity
            if qLow <= qHigh {
                for candidate in qLow...qHigh {
                    let exact = ahead - Double(candidate) * inRate / outRate
                    let error = abs(exact.rounded() - exact)
                    if error < best {
                        best = error
                        skip = Int(exact.rounded())
                        q = Double(candidate)
                    }
                }
            }
        }
        pendingSkip = max(0, skip)
        firstWanted = Int64(q)
        if let end { endWanted = firstWanted + Int64(((end - start) * outRate).rounded()) }
        if firstWanted < 0 {
            let gap = endWanted == .max ? -firstWanted : min(-firstWanted, endWanted - firstWanted)
            if spec.padLeadingGap { try deliverZeros(Int(gap), onAudio) }
            firstWanted = 0
            if endWanted <= 0 { done = true }
        }
    }

    /// Feeds a frame (after any pending skip) through the resampler.
    private func feed(_ f: UnsafeMutablePointer<AVFrame>, count: Int,
                      _ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        guard !done, let resampler else { return }
        let skip = min(pendingSkip, count)
        pendingSkip -= skip
        if skip == count { return }
        try resampler.convert(f, skip: skip) { try deliver($0, onAudio) }
    }

    /// Passes on the part of freshly resampled output that lies in the window.
    private func deliver(_ samples: UnsafeBufferPointer<Float>,
                         _ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let first = produced
        produced += Int64(samples.count)
        guard !done else { return }
        let lower = max(first, firstWanted), upper = min(produced, endWanted)
        if lower < upper {
            let slice = samples[Int(lower - first)..<Int(upper - first)]
            delivered += slice.count
            try onAudio(UnsafeBufferPointer(rebasing: slice))
        }
        if produced >= endWanted { done = true }
    }

    /// Delivers `count` zeros in bounded chunks.
    private func deliverZeros(_ count: Int, _ onAudio: (UnsafeBufferPointer<Float>) throws -> Void) throws {
        let zeros = [Float](repeating: 0, count: min(count, 8192))
        var left = count
        while left > 0 {
            let n = min(left, zeros.count)
            delivered += n
            try zeros.withUnsafeBufferPointer { try onAudio(UnsafeBufferPointer(rebasing: $0[0..<n])) }
            left -= n
        }
    }
}

/// Greatest common divisor of two positive integers.
func gcd(_ a: Int, _ b: Int) -> Int {
    var (x, y) = (abs(a), abs(b))
    while y != 0 { (x, y) = (y, x % y) }
    return max(x, 1)
}
